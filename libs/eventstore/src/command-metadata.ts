import { CommandMetadata } from '@app/domain';

/**
 * The one way to build a command's metadata at the edge: the moment it is decided at, who asks,
 * and the correlation (and causation) ids its events will carry.
 */
export function commandMetadata(actor: string, ids: { correlationId?: string; causationId?: string } = {}): CommandMetadata {
  const metadata: CommandMetadata = { now: new Date().toISOString(), actor };
  if (ids.correlationId) metadata.correlationId = ids.correlationId;
  if (ids.causationId) metadata.causationId = ids.causationId;
  return metadata;
}
