/**
 * The Node flags every service process runs with (`node <flags> dist/apps/<app>/main.js`).
 *
 * An 8 MB semi-space keeps V8's young generation at a third of its default size. The relay
 * allocates a few short-lived buffers per event; with the default young generation a relay
 * catching up three queues peaked at 212 MB resident, with this one at 168 MB, at the same
 * throughput (bench:relay).
 */
export const serviceNodeFlags: readonly string[] = ['--max-semi-space-size=8'];
