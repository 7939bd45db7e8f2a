import { Static, TSchema } from '@sinclair/typebox';
import { Producer } from '../catalog';
import { AccountEventSchemas } from './account.schemas';
import { CheckoutEventSchemas } from './checkout.schemas';
import { FraudEventSchemas } from './fraud.schemas';
import { MerchantEventSchemas } from './merchant.schemas';

/**
 * The one source of truth of every event's data: a TypeBox schema per producer, wire name and schema
 * version. The domain's event types are derived from these (EventData), and the published JSON
 * Schemas, the AsyncAPI documents and the consumers' validators are generated from them.
 */
export const EventSchemas = {
  account: AccountEventSchemas,
  merchant: MerchantEventSchemas,
  checkout: CheckoutEventSchemas,
  fraud: FraudEventSchemas,
} as const satisfies Record<Producer, Record<string, Record<number, TSchema>>>;

type SchemasOf<P extends Producer> = (typeof EventSchemas)[P];

/** The wire names of producer `P`'s events. */
export type EventTypeOf<P extends Producer> = keyof SchemasOf<P> & string;

/** The newest version's schema. Versions run 1, 2, … without gaps (checkUpcasterChains); add a line past 5. */
type Latest<V> = V extends { 5: infer S }
  ? S
  : V extends { 4: infer S }
    ? S
    : V extends { 3: infer S }
      ? S
      : V extends { 2: infer S }
        ? S
        : V extends { 1: infer S }
          ? S
          : never;

/** The data of event `T` of producer `P` at schema version `V`, the newest by default: what the domain emits. */
export type EventData<
  P extends Producer,
  T extends keyof SchemasOf<P>,
  V extends keyof SchemasOf<P>[T] | 'latest' = 'latest',
> = V extends keyof SchemasOf<P>[T]
  ? SchemasOf<P>[T][V] extends TSchema
    ? Static<SchemasOf<P>[T][V]>
    : never
  : Latest<SchemasOf<P>[T]> extends TSchema
    ? Static<Latest<SchemasOf<P>[T]>>
    : never;

type SchemaTable = Record<string, Record<string, Record<number, TSchema>> | undefined>;

/** The schema versions of one event type, in ascending order; empty for a type no producer has. */
export function schemaVersionsOf(producer: string, type: string): number[] {
  const versions = (EventSchemas as SchemaTable)[producer]?.[type];
  return versions
    ? Object.keys(versions)
        .map(Number)
        .sort((a, b) => a - b)
    : [];
}

/** Computed once: the relay and the event store ask for every event they read. */
const currentVersions = new Map(
  Object.entries(EventSchemas).flatMap(([producer, types]) =>
    Object.keys(types).map((type) => [`${producer}/${type}`, schemaVersionsOf(producer, type).at(-1)!] as const),
  ),
);

/** The version a producer writes today: the highest it has a schema for (0 for an unknown type). */
export const currentSchemaVersion = (producer: string, type: string): number => currentVersions.get(`${producer}/${type}`) ?? 0;

/** The schema of one version of one event type's data, if there is one. */
export const eventDataSchema = (producer: string, type: string, version: number): TSchema | undefined =>
  (EventSchemas as SchemaTable)[producer]?.[type]?.[version];
