import { Parser } from '@asyncapi/parser';
import { TestPlatform, eventually, operatorHeaders } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OpsApi, startPlatform } from './support/ops-e2e-support';

interface Answer {
  status: number;
  body: any;
}

/**
 * Issue 17 against real processes: Account's streams hold AddressUpdated v1 events written by the
 * previous release (inserted as it wrote them) beside v2 ones. Accounts still rebuild from them,
 * the read models follow, every consumer receives v2 only, and a version newer than the code
 * knows is dead-lettered, not misread.
 */
describe('Event contracts: versions, upcasting and published schemas', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let db: Client;

  beforeAll(async () => {
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    db = new Client({ connectionString: platform.databaseUrl('account') });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  const api = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${platform.url('account')}${path}`, {
      method,
      headers: { ...operatorHeaders(), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const home = { street: '1 Analytical St', city: 'London', zip: 'N1' };
  const moved = { street: '2 Difference Rd', city: 'Cambridge', zip: 'CB1' };

  const open = async (): Promise<string> => {
    const answer = await api('POST', '/accounts', {
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: home,
      limit: 1_000,
      currency: 'EUR',
    });
    expect(answer.status).toBe(201);
    return answer.body.id;
  };

  /** An AddressUpdated exactly as the release before v2 wrote it, straight into the event table. */
  const storeAsOldRelease = (id: string, version: number, schemaVersion: number, data: unknown) =>
    db.query(
      `INSERT INTO account.events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, $2, $3, 'AddressUpdated', $4, $5, '{"actor":"old-release"}')`,
      [randomUUID(), `account-${id}`, version, schemaVersion, JSON.stringify(data)],
    );

  const viewAt = (id: string, version: number) =>
    eventually(async () => {
      const answer = await api('GET', `/accounts/${id}`);
      return answer.status === 200 && answer.body.version === version ? answer.body : undefined;
    }, 30_000);

  const audited = (id: string, count: number) =>
    eventually(async () => {
      const page = await ops.get<{ items: { streamVersion: number; type: string; schemaVersion: number; data: any }[] }>(
        `/audit?streamId=account-${id}`,
      );
      return page.items.length === count ? page.items.sort((a, b) => a.streamVersion - b.streamVersion) : undefined;
    }, 30_000);

  it('loads accounts whose streams mix v1 and v2 AddressUpdated, and the consumers get v2 only', async () => {
    const mixed = await open();
    const v1Only = await open();
    await storeAsOldRelease(mixed, 2, 1, { id: mixed, address: moved, previousAddress: home });
    await storeAsOldRelease(v1Only, 2, 1, { id: v1Only, address: moved, previousAddress: home });

    // The decider rebuilt the account from the v1 event: the address it moved to is no change.
    expect(await api('PUT', `/accounts/${mixed}/address`, moved)).toMatchObject({ status: 200, body: { version: 2 } });
    expect(
      await api('PUT', `/accounts/${mixed}/address`, { street: '3 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'FR' }),
    ).toMatchObject({
      status: 200,
      body: { version: 3 },
    });

    const stored = await db.query(
      `SELECT stream_version, schema_version FROM account.events WHERE stream_id = $1 ORDER BY stream_version`,
      [`account-${mixed}`],
    );
    expect(stored.rows).toEqual([
      { stream_version: 1, schema_version: 1 },
      { stream_version: 2, schema_version: 1 },
      { stream_version: 3, schema_version: 2 },
    ]);

    const upcastV1 = {
      address: { street: '2 Difference Rd', city: 'Cambridge', postalCode: 'CB1', country: null },
      previousAddress: { street: '1 Analytical St', city: 'London', postalCode: 'N1', country: null },
    };
    const stream = (await api('GET', `/accounts/${mixed}/events`)).body as { version: number; schemaVersion: number; data: unknown }[];
    expect(stream.map((e) => [e.version, e.schemaVersion])).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
    expect(stream[1].data).toEqual({ id: mixed, ...upcastV1 });
    expect(stream[2].data).toEqual({
      id: mixed,
      address: { street: '3 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
      previousAddress: { street: '2 Difference Rd', city: 'Cambridge', postalCode: 'CB1', country: 'GB' },
    });

    // Account's own read model, fed through account.account-events.
    expect((await viewAt(mixed, 3)).address).toEqual({ street: '3 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'FR' });
    expect((await viewAt(v1Only, 2)).address).toEqual(moved);

    // Ops' audit consumer (ops.account-events) records what it was sent: v2 only.
    const mixedAudit = await audited(mixed, 3);
    expect(mixedAudit.filter((e) => e.type === 'AddressUpdated').map((e) => e.schemaVersion)).toEqual([2, 2]);
    expect(mixedAudit[1].data).toEqual({ id: mixed, ...upcastV1 });
    const v1OnlyAudit = await audited(v1Only, 2);
    expect(v1OnlyAudit[1]).toMatchObject({ type: 'AddressUpdated', schemaVersion: 2, data: { id: v1Only, ...upcastV1 } });
  });

  it('dead-letters a version newer than the consumers know with UNSUPPORTED_SCHEMA_VERSION, and misreads nothing', async () => {
    const id = await open();
    await viewAt(id, 1);
    const v3 = { id, address: { line1: 'a future shape' } };
    await storeAsOldRelease(id, 2, 3, v3);

    const deadLetter = await eventually(async () => {
      const page = await ops.get<{ items: { errorCode: string; errorMessage: string; body: string; type: string }[] }>(
        `/dead-letters?status=all&limit=1000&queue=account.account-events&code=UNSUPPORTED_SCHEMA_VERSION`,
      );
      return page.items.find((item) => item.errorMessage.includes(`account-${id}@2`));
    }, 30_000);
    expect(deadLetter.errorMessage).toContain('schema version 3 is newer than the v2 this consumer knows');
    expect((await api('GET', `/accounts/${id}`)).body).toMatchObject({ version: 1, address: home });
  });

  it('serves a valid AsyncAPI 3 document at GET /asyncapi.json, without credentials', async () => {
    const response = await fetch(`${platform.url('account')}/asyncapi.json`);
    expect(response.status).toBe(200);
    const document = await response.text();
    const diagnostics = await new Parser().validate(document);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => d.message)).toEqual([]);
    const channels = Object.keys(JSON.parse(document).channels).sort();
    expect(channels).toEqual(['account.account-events', 'fraud.account-events', 'ops.account-events']);
  });
});
