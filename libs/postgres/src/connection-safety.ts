/**
 * Timeouts and keepalives for every PostgreSQL connection of the platform. Without them a peer
 * that vanishes without a FIN or RST (a partition, a dead host) leaves a connection, and whatever
 * it holds (an advisory lock, a pool slot), open for the kernel's default two hours.
 */
export interface ConnectionSafety {
  /** How long opening a connection may take. */
  connectTimeoutMs: number;
  /** How long the client waits for any one answer before it gives up on the connection. */
  queryTimeoutMs: number;
  /** Idle time after which TCP keepalive probes start, on both ends. */
  keepAliveIdleMs: number;
}

export const DEFAULT_CONNECTION_SAFETY: ConnectionSafety = {
  connectTimeoutMs: 5_000,
  queryTimeoutMs: 60_000,
  keepAliveIdleMs: 5_000,
};

/** node-pg Client/Pool settings for `safety` (spread them into the config). */
export function pgClientSafety(safety: Partial<ConnectionSafety> = {}) {
  const { connectTimeoutMs, queryTimeoutMs, keepAliveIdleMs } = { ...DEFAULT_CONNECTION_SAFETY, ...safety };
  return {
    keepAlive: true,
    keepAliveInitialDelayMillis: keepAliveIdleMs,
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: queryTimeoutMs,
  };
}

/**
 * Server-side settings for the startup `options` parameter (`-c name=value ...`): the server probes
 * an idle client too, and drops a session whose sent data stays unacknowledged, so a vanished
 * host's session (and its locks) is ended by the server itself.
 */
export function pgServerSafetyOptions(safety: Partial<ConnectionSafety> = {}): string {
  const { keepAliveIdleMs } = { ...DEFAULT_CONNECTION_SAFETY, ...safety };
  const idleSeconds = Math.max(1, Math.round(keepAliveIdleMs / 1000));
  return [
    `-c tcp_keepalives_idle=${idleSeconds}`,
    '-c tcp_keepalives_interval=2',
    '-c tcp_keepalives_count=3',
    `-c tcp_user_timeout=${idleSeconds * 1000 + 6_000}`,
  ].join(' ');
}

/**
 * Bounds every service session, set on the service's role by provisioning: a runaway statement or a
 * forgotten transaction cannot pin the relay's frontier for long.
 */
export const SERVICE_ROLE_SETTINGS = { statement_timeout: '60s', idle_in_transaction_session_timeout: '60s' } as const;
