import { ControlTypes } from '@app/contracts';

/** The pattern of the handlers of every event that has no handler of its own (e.g. an audit log). */
export const AnyEvent = '*';

/** The pattern of one producer's event type: handlers are keyed by producer and type, never by a bare type name. */
export const eventPattern = (producer: string, type: string): string => `${producer}/${type}`;

/** The pattern of the handler that drops `queue`'s read models before a rebuild from history. */
export const rebuildPattern = (queue: string): string => `${ControlTypes.rebuild}:${queue}`;
