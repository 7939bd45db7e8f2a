import { TSchema } from '@sinclair/typebox';
import { EventSchemas } from './event-schemas';

/** One event type's data at one schema version, as published to consumers. */
export interface PublishedSchema {
  producer: string;
  type: string;
  version: number;
  /** Where its snapshot is committed, relative to `contracts/schemas/`. */
  file: string;
  schema: Record<string, unknown>;
}

/** A TypeBox schema as plain JSON Schema: TypeBox's own markers are symbols, which JSON drops. */
export const plainJsonSchema = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

/** The JSON Schema of every event type and version of every producer, generated from EventSchemas. */
export function publishedSchemas(): PublishedSchema[] {
  return Object.entries(EventSchemas).flatMap(([producer, types]) =>
    Object.entries(types).flatMap(([type, versions]) =>
      Object.entries(versions as Record<number, TSchema>).map(([version, schema]) => ({
        producer,
        type,
        version: Number(version),
        file: `${producer}/${type}.v${version}.json`,
        schema: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: `urn:checkout-platform:events:${producer}:${type}:v${version}`,
          title: `${type} v${version} (data)`,
          ...plainJsonSchema(schema),
        },
      })),
    ),
  );
}
