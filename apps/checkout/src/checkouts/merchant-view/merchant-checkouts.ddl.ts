/**
 * The merchants' read model of checkouts: one row per checkout with what a merchant may see and the
 * Idempotency-Key it was started with. `position` orders the list (newest first) and makes its cursor.
 */
export const merchantCheckoutsDdl = (schema: string): string[] => [
  `CREATE TABLE "${schema}".merchant_checkouts (
    checkout_id uuid PRIMARY KEY,
    position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    merchant_id uuid NOT NULL,
    idempotency_key text,
    status text NOT NULL DEFAULT 'pending',
    total bigint NOT NULL,
    currency text NOT NULL,
    items jsonb NOT NULL,
    reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX merchant_checkouts_by_merchant ON "${schema}".merchant_checkouts (merchant_id, position DESC)`,
  `CREATE INDEX merchant_checkouts_by_key ON "${schema}".merchant_checkouts (merchant_id, idempotency_key)`,
];

/**
 * The table follows the checkout's events inside the transaction that appends them, like
 * unfinished_checkouts: a row comes with CheckoutStarted, every later event moves `updated_at`, and
 * the final event sets the status and the (internal) reason. So the row never lags its stream.
 */
export const merchantCheckoutsFollowEventsDdl = (schema: string): string[] => [
  `CREATE FUNCTION "${schema}".merchant_checkouts_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.type = 'CheckoutStarted' THEN
        INSERT INTO "${schema}".merchant_checkouts
          (checkout_id, merchant_id, idempotency_key, total, currency, items, created_at, updated_at)
        VALUES ((NEW.data->>'checkoutId')::uuid, (NEW.data->>'merchantId')::uuid, NEW.data->>'idempotencyKey',
          (NEW.data->>'total')::bigint, NEW.data->>'currency', NEW.data->'items', NEW.recorded_at, NEW.recorded_at)
        ON CONFLICT DO NOTHING;
      ELSE
        UPDATE "${schema}".merchant_checkouts SET updated_at = NEW.recorded_at,
          status = CASE NEW.type WHEN 'CheckoutCompleted' THEN 'completed' WHEN 'CheckoutRejected' THEN 'rejected' ELSE status END,
          reason = CASE NEW.type WHEN 'CheckoutRejected' THEN NEW.data->>'reason' ELSE reason END
        WHERE checkout_id = (NEW.data->>'checkoutId')::uuid;
      END IF;
      RETURN NULL;
    END $$`,
  `CREATE TRIGGER merchant_checkouts_follow_events AFTER INSERT ON "${schema}".events FOR EACH ROW
    WHEN (NEW.stream_id LIKE 'checkout-%')
    EXECUTE FUNCTION "${schema}".merchant_checkouts_follow_events()`,
];

/**
 * Rows for the checkouts started before the table, in the order they were recorded. Their ids were
 * derived from the Idempotency-Key alone; the key kept here is how a merchant's replay still finds them.
 */
export const merchantCheckoutsBackfill = (schema: string): string => `
  INSERT INTO "${schema}".merchant_checkouts
    (checkout_id, merchant_id, idempotency_key, status, total, currency, items, reason, created_at, updated_at)
  SELECT (s.data->>'checkoutId')::uuid, (s.data->>'merchantId')::uuid, s.data->>'idempotencyKey',
    CASE f.type WHEN 'CheckoutCompleted' THEN 'completed' WHEN 'CheckoutRejected' THEN 'rejected' ELSE 'pending' END,
    (s.data->>'total')::bigint, s.data->>'currency', s.data->'items', f.reason, s.recorded_at, l.updated_at
  FROM "${schema}".events s
  CROSS JOIN LATERAL (SELECT max(recorded_at) AS updated_at FROM "${schema}".events e WHERE e.stream_id = s.stream_id) l
  LEFT JOIN LATERAL (
    SELECT e.type, e.data->>'reason' AS reason FROM "${schema}".events e
    WHERE e.stream_id = s.stream_id AND e.type IN ('CheckoutCompleted', 'CheckoutRejected')
    ORDER BY e.stream_version DESC LIMIT 1
  ) f ON true
  WHERE s.type = 'CheckoutStarted' AND s.stream_id LIKE 'checkout-%'
  ORDER BY s.global_position
  ON CONFLICT DO NOTHING`;
