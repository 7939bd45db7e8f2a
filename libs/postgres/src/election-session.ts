import { pgClientSafety, pgServerSafetyOptions } from './connection-safety';
import { Client } from 'pg';

/** One database session of a leader election: the advisory lock lives exactly as long as it. */
export interface ElectionSession {
  connect(): Promise<void>;
  /** Asks for the lock once, without waiting for it. */
  tryLock(lockKey: string): Promise<boolean>;
  listen(channel: string): Promise<void>;
  ping(): Promise<void>;
  /** Ends the session politely; the server releases its lock. */
  close(): Promise<void>;
  /** Drops the socket at once, for a session whose polite end found no answer. */
  destroy(): void;
}

export interface ElectionSessionEvents {
  /** The connection reported an error or its end. */
  lost(reason: string): void;
  notified(): void;
}

export interface ElectionSessionSettings {
  databaseUrl: string;
  applicationName: string;
  /** Bounds a connect and every query. */
  timeoutMs: number;
  idleSessionTimeoutMs: number;
}

/** Opens a session whose connection reports to `events`. */
export type ElectionSessionFactory = (settings: ElectionSessionSettings, events: ElectionSessionEvents) => ElectionSession;

/** A session on its own `pg` Client. */
export const pgElectionSession: ElectionSessionFactory = (settings, events) => {
  const client = new Client({
    connectionString: settings.databaseUrl,
    ...pgClientSafety({ connectTimeoutMs: settings.timeoutMs, queryTimeoutMs: settings.timeoutMs }),
    application_name: settings.applicationName.slice(0, 63),
    options: `${pgServerSafetyOptions()} -c idle_session_timeout=${settings.idleSessionTimeoutMs}`,
  });
  client.on('error', (error) => events.lost(error.message));
  client.on('end', () => events.lost('connection ended'));
  client.on('notification', () => events.notified());
  return {
    connect: async () => {
      await client.connect();
    },
    tryLock: async (lockKey) => {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockKey]);
      return rows[0].locked;
    },
    listen: async (channel) => {
      await client.query(`LISTEN "${channel}"`);
    },
    ping: async () => {
      await client.query('SELECT 1');
    },
    close: () => client.end(),
    destroy: () => {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    },
  };
};
