/**
 * The Node flags every service process runs with (`node <flags> dist/apps/<app>/main.js`).
 *
 * They bound memory, and the relay inside each service is what needs it: it allocates a few
 * short-lived buffers per event, many of which outlive a young-generation collection, and V8 by
 * default lets that garbage grow the old generation to about four times the live set before
 * collecting it. An 8 MB semi-space (a third of the default young generation) and old-generation
 * growth of at most 100% (live set ×2) kept a relay catching up three queues at 131–133 MB peak
 * resident instead of 145–212 MB, at the same throughput (bench:relay). The price, measured with
 * bench:account: about 5–9% of the commands per second on 1,000 accounts.
 */
export const serviceNodeFlags: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=100'];
