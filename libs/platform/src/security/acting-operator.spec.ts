import { actingOperator } from './acting-operator';

describe('actingOperator', () => {
  const bootstrap = { kind: 'operator', name: 'bootstrap', role: 'admin' } as const;
  const ada = { kind: 'operator', name: 'ada', role: 'operator' } as const;

  it('names the operator Ops acts for when the caller holds the bootstrap token (Ops itself)', () => {
    expect(actingOperator(bootstrap, 'ada')).toBe('operator:ada');
    expect(actingOperator(bootstrap, undefined)).toBe('operator:bootstrap');
  });

  it("never lets a named operator's header change who they are", () => {
    expect(actingOperator(ada, 'grace')).toBe('operator:ada');
  });

  it('takes no header that is not a plain name', () => {
    expect(actingOperator(bootstrap, 'eve\nforged log line')).toBe('operator:bootstrap');
    expect(actingOperator(bootstrap, 'Robert"); DROP')).toBe('operator:bootstrap');
  });
});
