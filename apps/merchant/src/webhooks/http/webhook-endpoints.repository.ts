import { traceparentOf } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface EndpointRow {
  id: string;
  merchantId: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  previousSecretUntil: Date | null;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  eventType: string;
  checkoutId: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

const ENDPOINT = `id, merchant_id AS "merchantId", url, events, enabled, disabled_reason AS "disabledReason", disabled_at AS "disabledAt",
  failing_since AS "failingSince", CASE WHEN previous_secret_until > now() THEN previous_secret_until END AS "previousSecretUntil",
  created_at AS "createdAt"`;
const DELIVERY = `id, event_type AS "eventType", checkout_id AS "checkoutId", status, attempts, next_attempt_at AS "nextAttemptAt",
  last_attempt_at AS "lastAttemptAt", last_status_code AS "lastStatusCode", last_error AS "lastError",
  last_latency_ms AS "lastLatencyMs", delivered_at AS "deliveredAt", created_at AS "createdAt"`;

const first = <T>([rows]: [T[], number]): T | undefined => rows[0];

/** The endpoints' routes' reads and writes; every statement is scoped to the merchant, so a foreign id finds nothing. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Undefined when the merchant has an endpoint with this URL already. */
  async create(row: { id: string; merchantId: string; url: string; events: string[]; secret: string }): Promise<EndpointRow | undefined> {
    const [created]: EndpointRow[] = await this.dataSource.query(
      `INSERT INTO merchant.webhook_endpoints (id, merchant_id, url, events, secret) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (merchant_id, url) DO NOTHING RETURNING ${ENDPOINT}`,
      [row.id, row.merchantId, row.url, row.events, row.secret],
    );
    return created;
  }

  list(merchantId: string): Promise<EndpointRow[]> {
    return this.dataSource.query(`SELECT ${ENDPOINT} FROM merchant.webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at, id`, [
      merchantId,
    ]);
  }

  async find(merchantId: string, id: string): Promise<EndpointRow | undefined> {
    const [row]: EndpointRow[] = await this.dataSource.query(
      `SELECT ${ENDPOINT} FROM merchant.webhook_endpoints WHERE merchant_id = $1 AND id = $2`,
      [merchantId, id],
    );
    return row;
  }

  async delete(merchantId: string, id: string): Promise<EndpointRow | undefined> {
    return first(
      await this.dataSource.query(`DELETE FROM merchant.webhook_endpoints WHERE merchant_id = $1 AND id = $2 RETURNING ${ENDPOINT}`, [
        merchantId,
        id,
      ]),
    );
  }

  /** A new secret; the one it replaces keeps signing until `previousUntil`. */
  async rotate(merchantId: string, id: string, secret: string, previousUntil: Date): Promise<EndpointRow | undefined> {
    return first(
      await this.dataSource.query(
        `UPDATE merchant.webhook_endpoints SET previous_secret = secret, previous_secret_until = $4, secret = $3
          WHERE merchant_id = $1 AND id = $2 RETURNING ${ENDPOINT}`,
        [merchantId, id, secret, previousUntil],
      ),
    );
  }

  /** Disabling records who did it; enabling clears the failure streak so a re-enabled endpoint gets a full period again. */
  async setEnabled(merchantId: string, id: string, enabled: boolean, reason: string | null): Promise<EndpointRow | undefined> {
    return first(
      await this.dataSource.query(
        `UPDATE merchant.webhook_endpoints
            SET enabled = $3, disabled_reason = $4, disabled_at = CASE WHEN $3 THEN NULL ELSE now() END,
                failing_since = CASE WHEN $3 THEN NULL ELSE failing_since END
          WHERE merchant_id = $1 AND id = $2 RETURNING ${ENDPOINT}`,
        [merchantId, id, enabled, reason],
      ),
    );
  }

  async addDelivery(row: { id: string; endpointId: string; eventType: string; body: string }): Promise<DeliveryRow> {
    const [created]: DeliveryRow[] = await this.dataSource.query(
      `INSERT INTO merchant.webhook_deliveries (id, endpoint_id, event_type, body, next_attempt_at, traceparent)
       VALUES ($1, $2, $3, $4, now(), $5) RETURNING ${DELIVERY}`,
      // A test event joins the trace of the request that asked for it.
      [row.id, row.endpointId, row.eventType, row.body, traceparentOf() ?? null],
    );
    return created;
  }

  /** The delivery log, newest first, paged by `before` (a delivery id of the previous page). */
  deliveries(endpointId: string, status: string | undefined, limit: number): Promise<DeliveryRow[]> {
    return this.dataSource.query(
      `SELECT ${DELIVERY} FROM merchant.webhook_deliveries
        WHERE endpoint_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, id LIMIT $3`,
      [endpointId, status ?? null, limit],
    );
  }

  /** Sends deliveries again from a fresh schedule: the ones named, or every failed one. Answers the ids replayed. */
  async replay(endpointId: string, ids: readonly string[] | undefined): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE merchant.webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now()
        WHERE endpoint_id = $1 AND (CASE WHEN $2::uuid[] IS NULL THEN status = 'failed' ELSE id = ANY($2::uuid[]) END)
        RETURNING id`,
      [endpointId, ids ?? null],
    );
    return rows.map((r) => r.id);
  }
}
