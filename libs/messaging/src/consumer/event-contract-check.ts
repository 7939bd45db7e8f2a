import { ControlTypes, EventEnvelope, EventSchemas, currentSchemaVersion, plainJsonSchema, upcast } from '@app/contracts';
import { TSchema } from '@sinclair/typebox';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { PermanentMessageError } from './message-failure';

const key = (producer: string, type: string, version: number) => `${producer}/${type}/${version}`;

/**
 * Every event schema of every producer, compiled once when the process loads this module: the
 * hot path then costs one compiled function call per message, never a compile.
 */
function compileAll(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: false, strict: true });
  const validators = new Map<string, ValidateFunction>();
  for (const [producer, types] of Object.entries(EventSchemas)) {
    for (const [type, versions] of Object.entries(types)) {
      for (const [version, schema] of Object.entries(versions as Record<number, TSchema>)) {
        validators.set(key(producer, type, Number(version)), ajv.compile(plainJsonSchema(schema)));
      }
    }
  }
  return validators;
}

const validators = compileAll();

const describeError = ({ instancePath, message, schemaPath }: ErrorObject) => `data${instancePath} ${message} (schema ${schemaPath})`;

/**
 * Checks an event's data against the schema of the version it carries, then brings it to the
 * version this consumer's code knows (a dead letter replayed from before an upgrade may be older).
 * A version newer than this consumer knows is refused, never guessed at: UNSUPPORTED_SCHEMA_VERSION.
 */
export function checkEventContract(producer: string, envelope: EventEnvelope): EventEnvelope {
  if (envelope.type === ControlTypes.rebuild) return envelope;
  const { type, schemaVersion, streamId, streamVersion } = envelope;
  const known = currentSchemaVersion(producer, type);
  const where = `${type} v${schemaVersion} ${streamId}@${streamVersion}`;
  if (schemaVersion > known) {
    throw new PermanentMessageError(
      'UNSUPPORTED_SCHEMA_VERSION',
      `${where}: schema version ${schemaVersion} is newer than the v${known} this consumer knows`,
    );
  }
  const validate = validators.get(key(producer, type, schemaVersion));
  if (!validate) throw new PermanentMessageError('SCHEMA_VIOLATION', `${where}: ${type} has no schema version ${schemaVersion}`);
  if (!validate(envelope.data)) {
    throw new PermanentMessageError('SCHEMA_VIOLATION', `${where}: ${(validate.errors ?? []).map(describeError).join('; ')}`);
  }
  if (schemaVersion === known) return envelope;
  const upcastEvent = upcast(producer, type, schemaVersion, envelope.data);
  return { ...envelope, schemaVersion: upcastEvent.schemaVersion, data: upcastEvent.data as EventEnvelope['data'] };
}
