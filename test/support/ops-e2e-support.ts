import { Headers, Producer, ServiceName, serviceUrlVariable } from '@app/contracts';
import { AmqpConnection, ConfirmPublisher, OutgoingMessage } from '@app/messaging';
import { asOperator, eventually, freePort, TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * Starts `services` (Ops among them) with every other service's URL pointing at a closed port, so
 * Ops never reaches some other process that happens to listen on a default port.
 */
export async function startPlatform(services: ServiceName[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TestPlatform> {
  const absent: NodeJS.ProcessEnv = {};
  for (const service of ['account', 'merchant', 'checkout', 'fraud', 'ops', 'payment-provider'] as ServiceName[]) {
    if (!services.includes(service)) absent[serviceUrlVariable(service)] = `http://127.0.0.1:${await freePort()}`;
  }
  return TestPlatform.start(services, { ...absent, ...extraEnv });
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The Ops HTTP API as an operator's script uses it. */
export class OpsApi {
  constructor(readonly baseUrl: string) {}

  async get<T = Record<string, unknown>>(path: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, asOperator());
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** `token: null` sends no Authorization header at all; with the bootstrap token, Ops records the actor `bootstrap`. */
  async post<T = Record<string, unknown>>(path: string, body?: unknown, token: string | null = TEST_OPS_TOKEN): Promise<Answer<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
    return { status: response.status, body: (await response.json()) as T };
  }

  groups(): Promise<DeadLetterGroup[]> {
    return this.get<DeadLetterGroup[]>('/dead-letters/groups');
  }

  /** The dead letter of `messageId` in `queue`, whatever its status. */
  async findByMessageId(queue: string, messageId: string): Promise<DeadLetter | undefined> {
    const page = await this.get<{ items: DeadLetter[] }>(`/dead-letters?status=all&limit=1000&queue=${encodeURIComponent(queue)}`);
    return page.items.find((item) => item.messageId === messageId);
  }
}

export interface DeadLetterGroup {
  queue: string;
  type: string | null;
  code: string;
  count: number;
}

export interface DeadLetter {
  id: number;
  queue: string;
  messageId: string;
  type: string | null;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  timesDeadLettered: number;
  status: 'dead' | 'replayed' | 'archived';
  replayCount: number;
  lastReplayedBy: string | null;
}

/** A message exactly as a producer's relay would publish it (docs/architecture.md#queues-and-messages). */
export function eventMessage(event: {
  type: string;
  streamId: string;
  streamVersion: number;
  data: Record<string, unknown>;
  producer?: Producer;
  eventId?: string;
}): OutgoingMessage {
  const eventId = event.eventId ?? randomUUID();
  const body = {
    eventId,
    type: event.type,
    schemaVersion: 1,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: '0',
    occurredAt: new Date().toISOString(),
    data: event.data,
    metadata: { actor: 'e2e' },
  };
  return {
    content: Buffer.from(JSON.stringify(body)),
    options: {
      messageId: eventId,
      type: event.type,
      contentType: 'application/json',
      timestamp: Math.floor(Date.now() / 1000),
      headers: {
        [Headers.producer]: event.producer ?? 'account',
        [Headers.streamId]: event.streamId,
        [Headers.streamVersion]: event.streamVersion,
        [Headers.previousStreamVersion]: event.streamVersion - 1,
        [Headers.globalPosition]: '0',
        [Headers.schemaVersion]: 1,
      },
    },
  };
}

/** `message` as a consumer of `queue` dead-letters it after a permanent failure (libs/messaging QueueConsumer). */
export function asDeadLetter(message: OutgoingMessage, queue: string, code: string, reason: string): OutgoingMessage {
  const now = new Date().toISOString();
  return {
    content: message.content,
    options: {
      ...message.options,
      headers: {
        ...message.options.headers,
        [Headers.originalQueue]: queue,
        [Headers.attempts]: 1,
        [Headers.firstFailedAt]: now,
        [Headers.lastFailedAt]: now,
        [Headers.errorCode]: code,
        [Headers.errorMessage]: reason,
      },
    },
  };
}

/** Publishes straight into a consumer queue of the platform's vhost, as a misbehaving producer could. */
export class QueueWriter {
  private readonly connection: AmqpConnection;
  private readonly publisher: ConfirmPublisher;

  constructor(amqpUrl: string) {
    this.connection = new AmqpConnection({ url: amqpUrl, name: 'ops-e2e-writer' });
    this.publisher = new ConfirmPublisher(this.connection, 30_000);
  }

  async start(): Promise<this> {
    await this.connection.start();
    return this;
  }

  publish(queue: string, messages: OutgoingMessage[]): Promise<void> {
    return this.publisher.publish(queue, messages);
  }

  /** Ready messages in `queue` (what no consumer has taken). */
  async depth(queue: string): Promise<number> {
    const channel = await this.connection.current().createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    await this.publisher.close();
    await this.connection.close();
  }
}

/**
 * Waits until Ops holds a dead letter for `messageId` in `queue` with the given status. A message
 * that runs out of attempts first waits out every retry tier (the test installation's: about 1 s;
 * production's 250 ms + 1 s + 5 s + 30 s, plus jitter, when RETRY_TIERS says so).
 */
export async function deadLetterOf(
  ops: OpsApi,
  queue: string,
  messageId: string,
  status: DeadLetter['status'] = 'dead',
  timeoutMs = 90_000,
): Promise<DeadLetter> {
  const found = await eventually(
    async () => {
      const candidate = await ops.findByMessageId(queue, messageId);
      return candidate?.status === status ? candidate : undefined;
    },
    timeoutMs,
    200,
  );
  return found as DeadLetter;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm run ops -- …`) as an operator would. */
export function runOpsCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(process.cwd(), 'dist', 'apps', 'ops', 'cli.js'), ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 120_000, maxBuffer: 20 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
