import { actingOperator } from './acting-operator';

describe('actingOperator', () => {
  const bootstrap = { kind: 'operator', name: 'bootstrap', role: 'admin' } as const;
  const ada = { kind: 'operator', name: 'ada', role: 'operator' } as const;

  it('is the authenticated operator, the one an Ops-signed credential names included', () => {
    expect(actingOperator(bootstrap)).toBe('operator:bootstrap');
    expect(actingOperator(ada)).toBe('operator:ada');
  });

  it('is nobody for a principal that is not an operator', () => {
    expect(actingOperator({ kind: 'service', service: 'ops' })).toBe('unknown');
    expect(actingOperator(undefined)).toBe('unknown');
  });
});
