import { ConfigValidationError, DEFAULT_AMQP_URL, DEFAULT_DATABASE_URL, loadPlatformConfig } from './platform-config';

describe('loadPlatformConfig', () => {
  it('applies the documented defaults and the caller’s port', () => {
    const config = loadPlatformConfig(3006, {});
    expect(config).toMatchObject({
      databaseUrl: DEFAULT_DATABASE_URL,
      amqpUrl: DEFAULT_AMQP_URL,
      port: 3006,
      logLevel: 'info',
      opsToken: undefined,
    });
  });

  it('reads every variable from the environment', () => {
    const config = loadPlatformConfig(3001, {
      DATABASE_URL: 'postgresql://app:secret@db:5433/shop',
      AMQP_URL: 'amqps://u:p@broker:5671/vhost',
      PORT: '4000',
      OPS_TOKEN: 't0ken',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://app:secret@db:5433/shop',
      amqpUrl: 'amqps://u:p@broker:5671/vhost',
      port: 4000,
      opsToken: 't0ken',
      logLevel: 'debug',
    });
  });

  it('listens on loopback unless HOST says otherwise (a container sets 0.0.0.0), and refuses nonsense', () => {
    expect(loadPlatformConfig(3001, {}).host).toBe('127.0.0.1');
    expect(loadPlatformConfig(3001, { HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadPlatformConfig(3001, { HOST: 'a b' })).toThrow(/HOST must be an interface address/);
  });

  it('treats empty variables as unset', () => {
    expect(loadPlatformConfig(3002, { PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 3002, logLevel: 'info' });
  });

  it('lists every invalid variable in one readable error', () => {
    const load = () =>
      loadPlatformConfig(3001, {
        DATABASE_URL: 'mysql://root:hunter2@db/shop',
        AMQP_URL: 'http://broker',
        PORT: '80a',
        LOG_LEVEL: 'loud',
      });
    expect(load).toThrow(ConfigValidationError);
    try {
      load();
    } catch (error) {
      const { problems, message } = error as ConfigValidationError;
      expect(problems).toHaveLength(4);
      // Connection URLs are secrets: the variable is named, its value never shown.
      expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL\n');
      expect(message).toContain('AMQP_URL must be a comma-separated list of amqp:// or amqps:// URLs\n');
      expect(message).toContain('PORT must be an integer between 0 and 65535 (got "80a")');
      expect(message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")');
      expect(message).not.toContain('hunter2');
    }
  });

  it('sizes the database pool from DATABASE_POOL_SIZE, 10 by default, and refuses nonsense', () => {
    expect(loadPlatformConfig(3001, {}).databasePoolSize).toBe(10);
    expect(loadPlatformConfig(3001, { DATABASE_POOL_SIZE: '4' }).databasePoolSize).toBe(4);
    expect(() => loadPlatformConfig(3001, { DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadPlatformConfig(3001, { DATABASE_POOL_SIZE: 'many' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('rejects a port outside 0..65535', () => {
    expect(() => loadPlatformConfig(3001, { PORT: '70000' })).toThrow(/PORT must be an integer between 0 and 65535/);
  });

  it('takes an empty OPS_TOKEN as unset, never as a token anyone can guess', () => {
    expect(loadPlatformConfig(3005, { OPS_TOKEN: '' }).opsToken).toBeUndefined();
    expect(loadPlatformConfig(3005, { OPS_TOKEN: ' ' }).opsToken).toBeUndefined();
  });
});
