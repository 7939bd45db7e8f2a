import { ControlTypes } from '@app/contracts';

/** `@EventPattern(AnyEvent)` receives every event that has no handler of its own (e.g. an audit log). */
export const AnyEvent = '*';

/** The pattern of the handler that drops `queue`'s read models before a rebuild from history. */
export const rebuildPattern = (queue: string): string => `${ControlTypes.rebuild}:${queue}`;
