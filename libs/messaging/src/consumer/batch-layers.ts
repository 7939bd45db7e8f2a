/**
 * How a consumer applies a batch that holds several events of one stream in one transaction. Pure
 * rules; the transaction is the queue consumer's.
 */

/** A batch member's place: its stream and, from its headers, its producer transaction and its place in that append. */
export interface BatchPlace {
  streamId: string;
  transactionId?: string;
  appendIndex?: number;
  appendCount?: number;
}

/**
 * The batch in layers: the first event of every stream, then the second, and so on, each stream's
 * events in delivery order, so that one inbox statement sees one event per stream and each layer
 * finds the checkpoints the layer before it moved.
 */
export function streamLayers<T>(batch: readonly T[], streamOf: (member: T) => string): T[][] {
  const layers: T[][] = [];
  const seen = new Map<string, number>();
  for (const member of batch) {
    const stream = streamOf(member);
    const depth = seen.get(stream) ?? 0;
    seen.set(stream, depth + 1);
    (layers[depth] ??= []).push(member);
  }
  return layers;
}

/**
 * The members (by index) that are not the last of their append at this queue but whose append's
 * later events are all in the batch: applied in the same transaction, they show the whole append
 * at once, so they need not wait for the rest in `waiting_events`.
 */
export function appendsEndingInBatch(batch: readonly BatchPlace[]): Set<number> {
  const present = new Map<string, Set<number>>();
  const key = (place: BatchPlace) => `${place.streamId}\u0000${place.transactionId}`;
  const complete = (place: BatchPlace): place is Required<BatchPlace> =>
    place.transactionId !== undefined && place.appendIndex !== undefined && place.appendCount !== undefined;
  for (const place of batch) {
    if (!complete(place)) continue;
    const indexes = present.get(key(place)) ?? new Set<number>();
    indexes.add(place.appendIndex);
    present.set(key(place), indexes);
  }
  const ending = new Set<number>();
  batch.forEach((place, i) => {
    if (!complete(place) || place.appendIndex >= place.appendCount) return;
    const indexes = present.get(key(place))!;
    for (let later = place.appendIndex + 1; later <= place.appendCount; later++) if (!indexes.has(later)) return;
    ending.add(i);
  });
  return ending;
}

/** A stream as the consumer finds it before applying a batch. */
export interface StreamAtAdmission {
  applied: number;
  parked: boolean;
  waits: boolean;
}

/** A batch member's place in its stream, as it asks to be admitted. */
export interface ChainLink {
  streamId: string;
  streamVersion: number;
  previousVersion: number;
  endsAppend: boolean;
}

/**
 * The common case in one step: when every event of the batch follows the one before it in its
 * stream (or the stream's applied version), ends its append, and nothing of its stream waits or
 * is parked, all apply in delivery order; answers each stream's new checkpoint. Anything else
 * (a gap, a duplicate, a park, part of an append) answers undefined: admit layer by layer.
 */
export function chainsApply(links: readonly ChainLink[], streams: ReadonlyMap<string, StreamAtAdmission>): Map<string, number> | undefined {
  const reached = new Map<string, number>();
  for (const link of links) {
    const stream = streams.get(link.streamId);
    if (!stream || stream.parked || stream.waits || !link.endsAppend) return undefined;
    const applied = reached.get(link.streamId) ?? stream.applied;
    if (link.streamVersion <= applied || link.previousVersion > applied) return undefined;
    reached.set(link.streamId, link.streamVersion);
  }
  return reached;
}
