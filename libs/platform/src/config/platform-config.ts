import { DynamicModule, Module } from '@nestjs/common';
import { opsTokenSetting } from '@app/contracts';
import { defineSettings, flag, integer, oneOf, readSettingsGroups, text, url } from '@app/config';
import { HttpLimits, httpLimitSettings, httpLimitsOf } from './http-limits';

export { ConfigValidationError } from '@app/config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/platform';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** The variables every service reads through the platform runtime. */
export const platformSettings = defineSettings('platform', {
  DATABASE_URL: url('its own database, as its own role (every service with data)', {
    protocols: ['postgres', 'postgresql'],
    default: DEFAULT_DATABASE_URL,
    shownDefault: 'written by `npm run provision`',
    secret: true,
  }),
  DATABASE_POOL_SIZE: integer('connections per service process', { default: 10, min: 1, max: 100 }),
  AMQP_URL: url('the broker, as this service’s own user; a comma-separated list of a cluster’s nodes, between which it fails over', {
    protocols: ['amqp', 'amqps'],
    list: true,
    default: DEFAULT_AMQP_URL,
    shownDefault: 'written by `npm run provision`',
    secret: true,
  }),
  PORT: integer('where it listens', { min: 0, max: 65535, shownDefault: 'its port in the [README](../README.md)' }),
  HOST: text('the interface to listen on (a container sets `0.0.0.0`)', {
    default: '127.0.0.1',
    pattern: /^[\w.:-]+$/,
    rule: 'an interface address or host name, e.g. 127.0.0.1 or 0.0.0.0',
  }),
  OPS_TOKEN: opsTokenSetting,
  OPS_BOOTSTRAP_ADMIN: flag(
    '`false` stops `OPS_TOKEN` signing anyone in to Ops (named operators only); `npm run provision -- --retire-ops-token`',
    {
      default: true,
    },
  ),
  AUTH_PUBLIC_KEYS: text('public keys (a JWK set) that vouch for service and merchant credentials', {
    shownDefault: 'written by `npm run provision`',
  }),
  SERVICE_TOKEN: text('a fixed service credential, for a service provisioned before `SERVICE_SIGNING_KEY` (which wins)', { secret: true }),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'how much it logs', { default: 'info' }),
  SHUTDOWN_GRACE_MS: integer('how long a stopping service keeps serving while not ready, for its load balancer to notice', {
    default: 0,
    min: 0,
    max: 120_000,
  }),
});

/** The environment every service reads (platformSettings), as the runtime uses it. */
export class PlatformConfig {
  databaseUrl: string;
  amqpUrl: string;
  port: number;
  /** The interface to listen on: loopback unless told otherwise (a container sets `HOST=0.0.0.0`). */
  host: string;
  opsToken?: string;
  /**
   * Whether OPS_TOKEN logs a person in as the bootstrap administrator (`OPS_BOOTSTRAP_ADMIN`, true
   * by default). Set false on Ops once named operators exist: the token then only carries Ops' own
   * calls to the other services.
   */
  opsBootstrapAdmin: boolean;
  /** The public keys that sign service credentials and merchant API keys: a JWK set, as JSON. */
  authPublicKeys?: string;
  /** This service's own credential for calling the others. */
  serviceToken?: string;
  databasePoolSize: number;
  logLevel: LogLevel;
  /** How long a stopping service keeps serving while not ready, for its load balancer to notice. */
  shutdownGraceMs: number;
  /** Timeouts and the connection cap of the HTTP server (see http-limits.ts). */
  http: HttpLimits;
}

/** Reads and validates the platform variables from `env`, throwing ConfigValidationError naming each bad one. */
export function loadPlatformConfig(defaultPort: number, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  // One error for both groups: an operator fixes every variable in one go.
  const [values, http] = readSettingsGroups([platformSettings, httpLimitSettings], env);
  return Object.assign(new PlatformConfig(), {
    databaseUrl: values.DATABASE_URL,
    amqpUrl: values.AMQP_URL,
    port: values.PORT ?? defaultPort,
    host: values.HOST,
    opsToken: values.OPS_TOKEN,
    opsBootstrapAdmin: values.OPS_BOOTSTRAP_ADMIN,
    authPublicKeys: values.AUTH_PUBLIC_KEYS,
    serviceToken: values.SERVICE_TOKEN,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    logLevel: values.LOG_LEVEL,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    http: httpLimitsOf(http),
  });
}

@Module({})
export class PlatformConfigModule {
  /** A global module providing `PlatformConfig` for injection, read once. */
  static forRoot(defaultPort: number): DynamicModule {
    return {
      module: PlatformConfigModule,
      global: true,
      providers: [{ provide: PlatformConfig, useFactory: () => loadPlatformConfig(defaultPort) }],
      exports: [PlatformConfig],
    };
  }
}

/** Global config module for a service whose default port is `defaultPort`. */
export const platformConfigModule = (defaultPort: number): DynamicModule => PlatformConfigModule.forRoot(defaultPort);
