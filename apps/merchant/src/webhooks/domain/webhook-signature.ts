import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header that carries the signatures: `t=<unix seconds>,v1=<hex>[,v1=<hex>]`. */
export const SIGNATURE_HEADER = 'Checkout-Signature';
/** The header with the notification's stable id, the same on every attempt and replay. */
export const WEBHOOK_ID_HEADER = 'Checkout-Webhook-Id';
/** How far a receiver should accept `t` from its own clock (the README's verification example uses it). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new signing secret: `whsec_` and 32 random bytes in base64url. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** HMAC-SHA256, keyed by the whole secret string, over `<t>.<body>`, in hex. */
export const signatureOf = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * The header value for `body` sent at `timestamp`: one `v1` per secret in force, the newest first, so
 * during a rotation's overlap a receiver holding either secret finds its signature.
 */
export const signatureHeader = (secrets: readonly string[], timestamp: number, body: string): string =>
  [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(',');

/**
 * A receiver's check, as the README shows it: the header parses, `t` is within the tolerance of `now`
 * and one `v1` matches the HMAC of `t.body` under `secret` (compared in constant time).
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string | undefined]);
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value!, 'hex'), expected));
}
