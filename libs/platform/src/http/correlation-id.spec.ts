import type { IncomingMessage } from 'http';
import { correlationIdOf, safeIdOf } from './correlation-id';

const request = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlationIdOf', () => {
  it('keeps the caller’s x-correlation-id', () => {
    expect(correlationIdOf(request({ 'x-correlation-id': 'checkout-42.step:1' }))).toBe('checkout-42.step:1');
  });

  it('makes a fresh UUID when the header is missing', () => {
    const first = correlationIdOf(request({}));
    expect(first).toMatch(UUID);
    expect(correlationIdOf(request({}))).not.toBe(first);
  });

  it('refuses ids that could forge or flood log lines', () => {
    expect(correlationIdOf(request({ 'x-correlation-id': 'a\nlevel=fatal' }))).toMatch(UUID);
    expect(correlationIdOf(request({ 'x-correlation-id': 'x'.repeat(129) }))).toMatch(UUID);
    expect(correlationIdOf(request({ 'x-correlation-id': '' }))).toMatch(UUID);
  });
});

describe('safeIdOf', () => {
  it('takes the first of repeated headers, and nothing that is not a plain token', () => {
    expect(safeIdOf(['cause-1', 'cause-2'])).toBe('cause-1');
    expect(safeIdOf('has space')).toBeUndefined();
    expect(safeIdOf(undefined)).toBeUndefined();
  });
});
