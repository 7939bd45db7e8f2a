import { defineServiceSchema, validateServiceConfig } from './service-schema';
import { decimal, flag, integer, oneOf, text, url } from './setting';
import { ConfigValidationError, activateSchema, defineSettings, readSettings } from './settings-group';

const limits = defineSettings(
  'limits',
  {
    LOW_MS: integer('the lower one', { default: 10, min: 1, max: 1_000 }),
    HIGH_MS: integer('the higher one', { default: 100, min: 1, max: 1_000 }),
  },
  (v) => (v.HIGH_MS <= v.LOW_MS ? 'HIGH_MS must be above LOW_MS' : undefined),
);
const misc = defineSettings('misc', {
  SHARE: decimal('a share', { above: 0, max: 1 }),
  ENABLED: flag('on or off', { default: true }),
  LEVEL: oneOf(['info', 'warn'] as const, 'a level', { default: 'info' }),
  NAME: text('a name', { pattern: /^[a-z]+$/, rule: 'lower-case letters' }),
  DB_URL: url('a database', { protocols: ['postgres'], secret: true }),
  NODES: url('broker nodes', { protocols: ['amqp'], list: true }),
  KEY: text('a key', { required: true, secret: true }),
});

afterEach(() => activateSchema(undefined));

describe('readSettings', () => {
  it('gives the defaults for unset and empty variables, and parses the set ones', () => {
    expect(readSettings(limits, { LOW_MS: '' })).toEqual({ LOW_MS: 10, HIGH_MS: 100 });
    expect(
      readSettings(misc, {
        SHARE: '0.5',
        ENABLED: 'FALSE',
        LEVEL: 'WARN',
        NAME: 'ada',
        DB_URL: 'postgres://u:p@h/d',
        NODES: 'amqp://a,amqp://b',
        KEY: 'k',
      }),
    ).toEqual({
      SHARE: 0.5,
      ENABLED: false,
      LEVEL: 'warn',
      NAME: 'ada',
      DB_URL: 'postgres://u:p@h/d',
      NODES: 'amqp://a,amqp://b',
      KEY: 'k',
    });
  });

  it('names every bad variable in one error, one line each, never showing a secret', () => {
    const env = {
      LOW_MS: '0',
      SHARE: '1.5',
      ENABLED: 'yes',
      LEVEL: 'loud',
      NAME: 'Ada',
      DB_URL: 'mysql://root:hunter2@db/x',
      NODES: 'amqp://a,http://b',
    };
    let error: ConfigValidationError | undefined;
    try {
      readSettings(misc, env);
    } catch (thrown) {
      error = thrown as ConfigValidationError;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error!.problems).toEqual([
      'SHARE must be a number above 0 and at most 1 (got "1.5")',
      'ENABLED must be true or false (got "yes")',
      'LEVEL must be one of info, warn (got "loud")',
      'NAME must be lower-case letters (got "Ada")',
      'DB_URL must be a postgres:// URL',
      'NODES must be a comma-separated list of amqp:// URLs (got "amqp://a,http://b")',
      'KEY must be set: a key',
    ]);
    expect(error!.message).toMatch(/^Invalid configuration:\n {2}- SHARE/);
    expect(error!.message).not.toContain('hunter2');
    expect(() => readSettings(limits, env)).toThrow('LOW_MS must be an integer between 1 and 1000 (got "0")');
  });

  it('checks the rules between variables once each is valid', () => {
    expect(() => readSettings(limits, { LOW_MS: '50', HIGH_MS: '20' })).toThrow('HIGH_MS must be above LOW_MS');
  });
});

describe('a service schema', () => {
  const schema = defineServiceSchema('shop', [limits]);

  it('validates every group at start, in one error', () => {
    expect(() => validateServiceConfig(defineServiceSchema('shop', [limits, misc]), { LOW_MS: 'x' })).toThrow(
      /LOW_MS must be an integer[\s\S]*KEY must be set/,
    );
  });

  it('then refuses any read of a variable it does not declare', () => {
    validateServiceConfig(schema, {});
    expect(readSettings(limits, {})).toEqual({ LOW_MS: 10, HIGH_MS: 100 });
    expect(() => readSettings(misc, { KEY: 'k' })).toThrow('SHARE is read by shop (misc) but not declared in its configuration schema');
  });

  it('refuses a variable declared twice differently', () => {
    const other = defineSettings('other', { LOW_MS: integer('another low') });
    expect(() => defineServiceSchema('shop', [limits, other])).toThrow('LOW_MS is declared twice, differently');
  });
});
