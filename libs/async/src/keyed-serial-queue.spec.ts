import { KeyedSerialQueue } from './keyed-serial-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Work that finishes only when the test says so, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, work: async () => (log.push(`start ${name}`), await opened, log.push(`end ${name}`), name) };
}

describe('KeyedSerialQueue', () => {
  it('runs the work of one key one at a time, in call order', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const results = [queue.run('k', a.work), queue.run('k', b.work)];
    await tick();
    expect(log).toEqual(['start a']);
    a.open();
    await tick();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    b.open();
    expect(await Promise.all(results)).toEqual(['a', 'b']);
  });

  it('runs distinct keys side by side', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const results = [queue.run('k1', a.work), queue.run('k2', b.work)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.open();
    a.open();
    await Promise.all(results);
  });

  it('goes on after a failure, which reaches only its own caller', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.run('k', async () => Promise.reject(new Error('boom')));
    const next = queue.run('k', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('releases a key once its work has settled, so memory stays bounded', async () => {
    const queue = new KeyedSerialQueue();
    await Promise.allSettled(
      Array.from({ length: 1_000 }, (_, i) => queue.run(`key-${i}`, async () => (i % 2 ? i : Promise.reject(new Error(`${i}`))))),
    );
    await tick();
    expect(queue.size).toBe(0);
  });

  it('keeps a key while work is queued behind running work', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const first = queue.run('k', a.work);
    const second = queue.run('k', async () => 'second');
    await tick();
    expect(queue.size).toBe(1);
    a.open();
    await Promise.all([first, second]);
    await tick();
    expect(queue.size).toBe(0);
  });

  it('settles once all work queued so far has settled', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    void queue.run('k1', a.work);
    void queue.run('k2', b.work);
    let settled = false;
    void queue.settled().then(() => (settled = true));
    a.open();
    await tick();
    expect(settled).toBe(false);
    b.open();
    await tick();
    expect(settled).toBe(true);
  });
});
