import { loadPlatformConfig } from './platform-config';
import { DEFAULT_HTTP_LIMITS } from './http-limits';

describe('HTTP limits in the platform config', () => {
  it('applies the defaults when nothing is set', () => {
    expect(loadPlatformConfig(3001, {}).http).toEqual(DEFAULT_HTTP_LIMITS);
  });

  it('reads every limit from the environment', () => {
    const config = loadPlatformConfig(3001, {
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_BODY_TIMEOUT_MS: '3000',
      HTTP_REQUEST_TIMEOUT_MS: '9000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '700',
      HTTP_MAX_CONNECTIONS: '50',
    });
    expect(config.http).toEqual({
      headersTimeoutMs: 2000,
      bodyTimeoutMs: 3000,
      requestTimeoutMs: 9000,
      keepAliveTimeoutMs: 700,
      maxConnections: 50,
    });
  });

  it('names each invalid limit, beside the other invalid variables', () => {
    const load = () => loadPlatformConfig(3001, { PORT: 'x', HTTP_BODY_TIMEOUT_MS: '0', HTTP_MAX_CONNECTIONS: 'lots' });
    expect(load).toThrow(/PORT[\s\S]*HTTP_BODY_TIMEOUT_MS must be an integer[\s\S]*HTTP_MAX_CONNECTIONS must be an integer/);
  });

  it('refuses a header or body timeout longer than the whole request may take', () => {
    expect(() =>
      loadPlatformConfig(3001, { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_BODY_TIMEOUT_MS: '5000' }),
    ).toThrow(/HTTP_BODY_TIMEOUT_MS must not exceed/);
  });
});
