import type { IncomingMessage } from 'http';
import { requestLogSerializers } from './logger.module';

const request = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;

describe('requestLogSerializers', () => {
  it('logs a request by its id, method and URL, never by its headers', () => {
    const req = Object.assign(request({ authorization: 'Bearer secret', cookie: 'session=1' }), {
      id: 'c-1',
      method: 'POST',
      url: '/transactions',
      originalUrl: '/accounts/a/transactions',
    });
    expect(requestLogSerializers.req(req)).toEqual({ id: 'c-1', method: 'POST', url: '/accounts/a/transactions' });
  });
});
