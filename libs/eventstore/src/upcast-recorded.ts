import { currentSchemaVersion, upcast } from '@app/contracts';
import { RecordedEvent } from './recorded-event';

/** The stream holds an event written by a newer release than this one: deciding on it would misread it. */
export class NewerSchemaVersionError extends Error {
  constructor(
    readonly producer: string,
    readonly event: RecordedEvent,
  ) {
    super(
      `${event.streamId}@${event.streamVersion}: ${event.type} v${event.schemaVersion} is newer than the v${currentSchemaVersion(producer, event.type)} this release knows`,
    );
    this.name = 'NewerSchemaVersionError';
  }
}

/**
 * A stored event as the producer's code knows it today: older schema versions go through the
 * upcaster chain, so deciders and handlers only ever see the current shape. Events of types the
 * contracts do not list (a test's own store) pass as they are.
 */
export function upcastRecorded(producer: string, event: RecordedEvent): RecordedEvent {
  const current = currentSchemaVersion(producer, event.type);
  if (current === 0 || event.schemaVersion === current) return event;
  if (event.schemaVersion > current) throw new NewerSchemaVersionError(producer, event);
  const { schemaVersion, data } = upcast(producer, event.type, event.schemaVersion, event.data);
  return { ...event, schemaVersion, data };
}
