import { TickBatch } from './tick-batch';

describe('TickBatch', () => {
  it('given requests made in one turn, when they settle, then one flush answered each of them in order', async () => {
    const flushes: number[][] = [];
    const batch = new TickBatch<number, number>(async (requests) => {
      flushes.push(requests);
      return requests.map((request) => request * 10);
    });

    const answers = await Promise.all([batch.run(1), batch.run(2), batch.run(3)]);

    expect(answers).toEqual([10, 20, 30]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('given a request made after a flush started, when it settles, then a later flush served it', async () => {
    const flushes: number[][] = [];
    const batch = new TickBatch<number, number>(async (requests) => {
      flushes.push(requests);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return requests;
    });

    const first = batch.run(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch.run(2);

    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(flushes).toEqual([[1], [2]]);
  });

  it('given a flush that fails, when its requests settle, then each of them fails with its error', async () => {
    const batch = new TickBatch<number, number>(() => Promise.reject(new Error('database gone')));

    const answers = await Promise.allSettled([batch.run(1), batch.run(2)]);

    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });
});
