/**
 * The Node flags every service process runs with (`node <flags> dist/apps/<app>/main.js`).
 *
 * They bound memory, and the relay inside each service is what needs it: it allocates a few
 * short-lived buffers per event, many of which outlive a young-generation collection, and V8 by
 * default lets that garbage grow the old generation to about four times the live set before
 * collecting it. A smaller semi-space and old-generation growth of at most the live set bound a
 * relay's peak memory at the same throughput, for a few per cent of command throughput (README,
 * "Measured choices"; bench:relay and bench:account measure both).
 */
export const serviceNodeFlags: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=100'];
