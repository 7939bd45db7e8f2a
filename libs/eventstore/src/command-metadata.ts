import { EventMetadata } from '@app/contracts';
import { Command, CommandMetadata } from '@app/domain';

/**
 * The one way to build a command's metadata at the edge: the moment it is decided at, who asks
 * (the authenticated principal of a request, or a named system actor for workers and consumers),
 * and the correlation (and causation) ids its events will carry.
 */
export function commandMetadata(actor: string, ids: { correlationId?: string; causationId?: string } = {}): CommandMetadata {
  const metadata: CommandMetadata = { now: new Date().toISOString(), actor };
  if (ids.correlationId) metadata.correlationId = ids.correlationId;
  if (ids.causationId) metadata.causationId = ids.causationId;
  return metadata;
}

/** The metadata a command's events are recorded with: its own, less the decision time (`recorded_at` holds the commit's). */
export function eventMetadataOf(command: Command): EventMetadata {
  const { now: _now, ...metadata } = command.metadata;
  return metadata;
}
