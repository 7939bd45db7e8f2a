import { appendsEndingInBatch, chainsApply, streamLayers } from './batch-layers';

describe('streamLayers', () => {
  it('given several events of a stream, when layered, then each layer holds one per stream, each stream in delivery order', () => {
    const batch = ['a1', 'b1', 'a2', 'a3', 'c1', 'b2'];
    expect(streamLayers(batch, (event) => event[0])).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
  });
});

describe('appendsEndingInBatch', () => {
  const place = (streamId: string, transactionId: string, appendIndex: number, appendCount: number) => ({
    streamId,
    transactionId,
    appendIndex,
    appendCount,
  });

  it('given an append whose later events are all in the batch, then its earlier ones end it with them', () => {
    expect(appendsEndingInBatch([place('s', '7', 1, 3), place('t', '8', 1, 1), place('s', '7', 2, 3), place('s', '7', 3, 3)])).toEqual(
      new Set([0, 2]),
    );
  });

  it('given an append whose last event is not in the batch, then none of it ends there', () => {
    expect(appendsEndingInBatch([place('s', '7', 1, 3), place('s', '7', 2, 3)])).toEqual(new Set());
  });

  it('given the same indexes of another transaction or stream, then they do not complete the append', () => {
    expect(appendsEndingInBatch([place('s', '7', 1, 2), place('s', '9', 2, 2), place('u', '7', 2, 2)])).toEqual(new Set());
  });

  it('given events without append headers, then nothing ends in the batch', () => {
    expect(appendsEndingInBatch([{ streamId: 's' }, { streamId: 's' }])).toEqual(new Set());
  });
});

describe('chainsApply', () => {
  const link = (streamId: string, streamVersion: number, previousVersion = streamVersion - 1, endsAppend = true) => ({
    streamId,
    streamVersion,
    previousVersion,
    endsAppend,
  });
  const at = (applied: number, more: Partial<{ parked: boolean; waits: boolean }> = {}) => ({
    applied,
    parked: false,
    waits: false,
    ...more,
  });

  it('given each stream continuing from its applied version, then all apply and each checkpoint is its last version', () => {
    const streams = new Map([
      ['a', at(4)],
      ['b', at(0)],
    ]);
    expect(chainsApply([link('a', 5), link('b', 1), link('a', 6), link('a', 7)], streams)).toEqual(
      new Map([
        ['a', 7],
        ['b', 1],
      ]),
    );
  });

  it('given a gap, a duplicate, a park, waiting events or part of an append, then the batch is admitted layer by layer', () => {
    expect(chainsApply([link('a', 5), link('a', 7, 6)], new Map([['a', at(4)]]))).toBeUndefined();
    expect(chainsApply([link('a', 4)], new Map([['a', at(4)]]))).toBeUndefined();
    expect(chainsApply([link('a', 5)], new Map([['a', at(4, { parked: true })]]))).toBeUndefined();
    expect(chainsApply([link('a', 5)], new Map([['a', at(4, { waits: true })]]))).toBeUndefined();
    expect(chainsApply([link('a', 5, 4, false)], new Map([['a', at(4)]]))).toBeUndefined();
  });
});
