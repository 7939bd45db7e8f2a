import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** An endpoint this process holds the lease of, with what sending to it needs. */
export interface LeasedEndpoint {
  id: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  failingSince: Date | null;
}

export interface DueDelivery {
  id: string;
  eventType: string;
  body: string;
  attempts: number;
  /** The trace of the event that caused it, when the producer traced. */
  traceparent: string | null;
}

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

/** The delivery worker's reads and writes of `webhook_endpoints` and `webhook_deliveries`. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Leases up to `limit` enabled endpoints with a due delivery and no live lease. The lease (and
   * SKIP LOCKED between processes racing for the same rows) gives each endpoint one sender at a time
   * across every Merchant instance.
   */
  async leaseEndpoints(limit: number, leaseMs: number, exclude: readonly string[]): Promise<LeasedEndpoint[]> {
    return this.dataSource
      .query(
        `UPDATE merchant.webhook_endpoints SET lease_until = now() + make_interval(secs => $2::float8 / 1000)
        WHERE id IN (
          SELECT e.id FROM merchant.webhook_endpoints e
           WHERE e.enabled AND (e.lease_until IS NULL OR e.lease_until < now()) AND NOT e.id = ANY($3::uuid[])
             AND EXISTS (SELECT 1 FROM merchant.webhook_deliveries d
                          WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now())
           LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, url, secret, previous_secret AS "previousSecret", previous_secret_until AS "previousSecretUntil",
                  failing_since AS "failingSince"`,
        [limit, leaseMs, exclude],
      )
      .then(([rows]: [LeasedEndpoint[]]) => rows);
  }

  /** Ends the lease; after a failure it lasts `cooldownMs` more, so an endpoint that is down is not tried in a tight loop. */
  async releaseEndpoint(endpointId: string, cooldownMs: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE merchant.webhook_endpoints SET lease_until = CASE WHEN $2 > 0 THEN now() + make_interval(secs => $2::float8 / 1000) END WHERE id = $1',
      [endpointId, cooldownMs],
    );
  }

  async dueDeliveries(endpointId: string, limit: number): Promise<DueDelivery[]> {
    return this.dataSource.query(
      `SELECT id, event_type AS "eventType", body, attempts, traceparent FROM merchant.webhook_deliveries
        WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, created_at LIMIT $2`,
      [endpointId, limit],
    );
  }

  /** A success: the delivery is done and the endpoint is no longer failing. */
  async delivered(endpointId: string, deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await this.dataSource.query(
      `WITH d AS (
         UPDATE merchant.webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = now(),
                delivered_at = now(), last_status_code = $3, last_error = NULL, last_latency_ms = $4
          WHERE id = $2 AND status = 'pending')
       UPDATE merchant.webhook_endpoints SET failing_since = NULL WHERE id = $1`,
      [endpointId, deliveryId, outcome.statusCode, outcome.latencyMs],
    );
  }

  /**
   * A failure: try again at `retryAt`, or fail for good when undefined; the endpoint is failing
   * since its first failure after a success, and is disabled when `disable` says it has been for too long.
   */
  async failed(
    endpointId: string,
    deliveryId: string,
    outcome: AttemptOutcome,
    retryAt: Date | undefined,
    disable: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `WITH d AS (
         UPDATE merchant.webhook_deliveries
            SET status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = coalesce($5::timestamptz, next_attempt_at), attempts = attempts + 1, last_attempt_at = now(),
                last_status_code = $3, last_error = $4, last_latency_ms = $6
          WHERE id = $2 AND status = 'pending')
       UPDATE merchant.webhook_endpoints
          SET failing_since = coalesce(failing_since, now()),
              enabled = enabled AND NOT $7, disabled_reason = CASE WHEN $7 AND enabled THEN 'failing' ELSE disabled_reason END,
              disabled_at = CASE WHEN $7 AND enabled THEN now() ELSE disabled_at END
        WHERE id = $1`,
      [endpointId, deliveryId, outcome.statusCode, outcome.error, retryAt ?? null, outcome.latencyMs, disable],
    );
  }

  /** Deliveries due and not yet sent, for the backlog gauge. */
  async backlog(): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM merchant.webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()`,
    );
    return row.count;
  }
}
