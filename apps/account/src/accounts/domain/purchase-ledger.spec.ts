import { emptyLedger, findPurchase, recordPurchase } from './purchase-ledger';

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
    expect(after.flatMap((bucket) => bucket ?? [])).toHaveLength(1);
  });

  it('does not mistake Object.prototype members for purchases', () => {
    expect(findPurchase(emptyLedger(), 'constructor')).toBeUndefined();
    expect(findPurchase(emptyLedger(), '__proto__')).toBeUndefined();
    expect(findPurchase(recordPurchase(emptyLedger(), record('__proto__')), '__proto__')).toEqual(record('__proto__'));
  });

  it('survives a JSON round trip, as snapshots store it', () => {
    let ledger = emptyLedger();
    for (let i = 0; i < 1_000; i++) ledger = recordPurchase(ledger, record(`tx-${i}`, i + 1, 1_000 - i));
    const restored = JSON.parse(JSON.stringify(ledger));
    for (let i = 0; i < 1_000; i += 97) expect(findPurchase(restored, `tx-${i}`)).toEqual(record(`tx-${i}`, i + 1, 1_000 - i));
    expect(findPurchase(JSON.parse(JSON.stringify(recordPurchase(emptyLedger(), record('a')))), 'b')).toBeUndefined();
  });

  it('keeps every bucket small, so recording copies little', () => {
    let ledger = emptyLedger();
    for (let i = 0; i < 20_000; i++) ledger = recordPurchase(ledger, record(`tx-${i}`));
    const sizes = ledger.map((bucket) => bucket?.length ?? 0);
    expect(sizes).toHaveLength(256);
    expect(Math.max(...sizes)).toBeLessThan(130);
  });
});
