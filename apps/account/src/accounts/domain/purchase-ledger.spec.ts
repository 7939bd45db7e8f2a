import { RECENT_PURCHASES, emptyLedger, findPurchase, ledgerFromSnapshot, recordPurchase } from './purchase-ledger';

const record = (transactionId: string, amount = 5, balanceAfter = 95) => ({ transactionId, amount, balanceAfter });

describe('purchase ledger', () => {
  it('finds what was recorded and nothing else', () => {
    const ledger = recordPurchase(emptyLedger(), record('t1'));
    expect(findPurchase(ledger, 't1')).toEqual(record('t1'));
    expect(findPurchase(ledger, 't2')).toBeUndefined();
  });

  it('replaces the record of the same transaction and never changes the ledger it was given', () => {
    const before = recordPurchase(emptyLedger(), record('t1'));
    const after = recordPurchase(before, { ...record('t1'), refundedBalanceAfter: 100 });
    expect(findPurchase(before, 't1')).toEqual(record('t1'));
    expect(findPurchase(after, 't1')).toEqual({ ...record('t1'), refundedBalanceAfter: 100 });
    expect(after).toHaveLength(1);
  });

  it('does not mistake Object.prototype members for purchases', () => {
    expect(findPurchase(emptyLedger(), 'constructor')).toBeUndefined();
    expect(findPurchase(recordPurchase(emptyLedger(), record('__proto__')), '__proto__')).toEqual(record('__proto__'));
  });

  it('keeps only the most recent purchases, however many were made', () => {
    let ledger = emptyLedger();
    for (let i = 0; i < 20_000; i++) ledger = recordPurchase(ledger, record(`tx-${i}`, i + 1));
    expect(ledger).toHaveLength(RECENT_PURCHASES);
    expect(findPurchase(ledger, 'tx-19999')).toEqual(record('tx-19999', 20_000));
    expect(findPurchase(ledger, `tx-${19_999 - RECENT_PURCHASES}`)).toBeUndefined();
  });

  it('reads snapshots in the current and in the older bucketed shape', () => {
    expect(ledgerFromSnapshot(JSON.parse(JSON.stringify([record('a'), record('b')])))).toEqual([record('a'), record('b')]);
    expect(ledgerFromSnapshot([null, [record('a')], undefined, [record('b'), record('c')]])).toEqual([
      record('a'),
      record('b'),
      record('c'),
    ]);
    expect(ledgerFromSnapshot(undefined)).toEqual([]);
  });
});
