import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FailedDeliveryPosition } from '../domain/failed-delivery-cursor';
import { DeliveryRow } from '../http/webhook-endpoints.repository';

export interface FailedDeliveryRow extends DeliveryRow {
  merchantId: string;
  endpointId: string;
  endpointUrl: string;
  endpointEnabled: boolean;
  /** last_attempt_at as text to the microsecond, for the cursor. */
  position: string;
}

export interface FailedDeliveriesFilter {
  merchantId?: string;
  endpointId?: string;
  after?: FailedDeliveryPosition;
  limit: number;
}

/** Failed (exhausted) deliveries across merchants, for operators: the operator's side of `webhook_deliveries`. */
@Injectable()
export class FailedDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest failure first; `limit + 1` rows, so the caller knows whether there is a next page. */
  page(filter: FailedDeliveriesFilter): Promise<FailedDeliveryRow[]> {
    return this.dataSource.query(
      `SELECT d.id, d.event_type AS "eventType", d.checkout_id AS "checkoutId", d.status, d.attempts,
              d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt", d.last_status_code AS "lastStatusCode",
              d.last_error AS "lastError", d.last_latency_ms AS "lastLatencyMs", d.delivered_at AS "deliveredAt",
              d.created_at AS "createdAt", e.merchant_id AS "merchantId", e.id AS "endpointId", e.url AS "endpointUrl",
              e.enabled AS "endpointEnabled",
              to_char(d.last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position
         FROM merchant.webhook_deliveries d JOIN merchant.webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'failed'
          AND ($1::uuid IS NULL OR e.merchant_id = $1) AND ($2::uuid IS NULL OR d.endpoint_id = $2)
          AND ($3::timestamptz IS NULL OR (d.last_attempt_at, d.id) < ($3::timestamptz, $4::uuid))
        ORDER BY d.last_attempt_at DESC, d.id DESC LIMIT $5`,
      [filter.merchantId ?? null, filter.endpointId ?? null, filter.after?.failedAt ?? null, filter.after?.id ?? null, filter.limit + 1],
    );
  }

  /**
   * Sends the named deliveries again from a fresh retry schedule, whatever merchant they are of; only
   * failed ones: a pending one is on its way already and a delivered one is the merchant's to replay.
   * Answers the ids replayed, each with whether its endpoint is enabled (a disabled one's wait for it).
   */
  async replay(ids: readonly string[]): Promise<{ id: string; endpointEnabled: boolean }[]> {
    const [rows]: [{ id: string; endpointEnabled: boolean }[], number] = await this.dataSource.query(
      `UPDATE merchant.webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = now()
         FROM merchant.webhook_endpoints e
        WHERE e.id = d.endpoint_id AND d.id = ANY($1::uuid[]) AND d.status = 'failed'
        RETURNING d.id, e.enabled AS "endpointEnabled"`,
      [ids],
    );
    return rows;
  }
}
