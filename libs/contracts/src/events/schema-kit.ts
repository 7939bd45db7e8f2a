import { Type } from '@sinclair/typebox';

/**
 * Building blocks of the event schemas. They are deliberately no stricter than what producers have
 * always written: a schema stricter than the stored history would dead-letter events already sent.
 */
export const Id = Type.String({ minLength: 1 });
/**
 * The id of an account, merchant or checkout: every producer makes these with randomUUID (or a
 * name-based UUID, Checkout's) or takes them through a UUID-checking pipe, and consumers key uuid
 * columns by them. Any hex 8-4-4-4-12, so no version a producer may use is refused.
 */
export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'a UUID',
});
export const Text = Type.String({ minLength: 1 });
/** An amount in minor units. */
export const Amount = Type.Integer({ minimum: 0 });
/** A balance in minor units: negative after a limit drops below the open purchases. */
export const Balance = Type.Integer();
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
export const CountryCode = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 code' });
/** An optional caller-supplied string: the HTTP layer lets an explicit null through, so history may hold one. */
export const OptionalText = Type.Optional(Type.Union([Type.String(), Type.Null()]));
