import { testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { DataService, InstallationNames, principalOf } from '../principals';
import { deprovision, provision, ServiceSettings } from '../provision';

export const adminDatabaseUrl = (database = 'postgres'): string => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

/** A provisioned installation of its own, as a spec's scene; `remove` deletes it. */
export async function provisionedScene(): Promise<{
  names: InstallationNames;
  settings: Map<DataService, ServiceSettings>;
  adminUrlOf(service: DataService): string;
  remove(): Promise<void>;
}> {
  const suffix = uniqueSuffix();
  const names = { prefix: `spec_${suffix}_`, vhost: `spec-${suffix}` };
  const settings = await provision({ adminDatabaseUrl: adminDatabaseUrl(), adminAmqpUrl: testAmqpUrl(), names });
  return {
    names,
    settings,
    adminUrlOf: (service) => adminDatabaseUrl(principalOf(service, names).database),
    remove: () => deprovision({ adminDatabaseUrl: adminDatabaseUrl(), names }),
  };
}

/** Runs `sql` on a fresh connection to `url` and answers the rows, or the error's code and message. */
export async function queryAs(url: string, sql: string): Promise<{ rows?: Record<string, unknown>[]; error?: string; code?: string }> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { rows: (await client.query(sql)).rows };
  } catch (error) {
    return { error: (error as Error).message, code: (error as { code?: string }).code };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Does `act` on a fresh channel of `url` and answers how the broker took it: `accepted`, or the
 * error that closed the channel (a refusal closes the channel, not the connection).
 */
export async function brokerVerdict(url: string, act: (channel: import('amqplib').ConfirmChannel) => Promise<unknown>): Promise<string> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    const closed = new Promise<string>((resolve) => channel.on('error', (error: Error) => resolve(error.message)));
    const done = act(channel).then(
      () => 'accepted',
      () => closed,
    );
    return await Promise.race([closed, done]);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
