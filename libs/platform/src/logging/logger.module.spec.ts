import type { IncomingMessage } from 'http';
import { correlationIdOf, requestLogSerializers } from './logger.module';

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

describe('requestLogSerializers', () => {
  it('logs a request by its id, method and URL, never by its headers', () => {
    const req = Object.assign(request({ authorization: 'Bearer secret', cookie: 'session=1' }), {
      id: 'c-1', method: 'POST', url: '/transactions', originalUrl: '/accounts/a/transactions',
    });
    expect(requestLogSerializers.req(req)).toEqual({ id: 'c-1', method: 'POST', url: '/accounts/a/transactions' });
  });
});
