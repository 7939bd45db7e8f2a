/** The longest a rolled key may live on beside its successor (Stripe allows seven days). */
export const MAX_ROLL_HOURS = 168;

/** When a key rolled at `now` stops working: `expiresInHours` later (0: at once). */
export const rolledKeyEnd = (now: Date, expiresInHours: number): Date => new Date(now.getTime() + Math.round(expiresInHours * 3_600_000));

/** A listed key's state at `now`. */
export function keyState(key: { expiresAt?: string; revokedAt?: string }, now: Date): 'active' | 'expiring' | 'expired' | 'revoked' {
  if (key.revokedAt) return 'revoked';
  if (!key.expiresAt) return 'active';
  return Date.parse(key.expiresAt) > now.getTime() ? 'expiring' : 'expired';
}
