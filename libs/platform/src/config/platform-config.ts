import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MinLength, Min, validateSync } from 'class-validator';
import { HttpLimits, readHttpLimits } from './http-limits';
import { redactCredentials } from './redact-credentials';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/platform';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

const PORT_RULE = 'must be an integer between 0 and 65535';

/** The environment every service reads; property names map to the variables in ENV_NAMES. */
export class PlatformConfig {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  databaseUrl: string;

  @Matches(/^amqps?:\/\/\S+$/, { message: 'must be an amqp:// or amqps:// URL' })
  amqpUrl: string;

  @IsInt({ message: PORT_RULE })
  @Min(0, { message: PORT_RULE })
  @Max(65535, { message: PORT_RULE })
  port: number;

  /** The interface to listen on: loopback unless told otherwise (a container sets `HOST=0.0.0.0`). */
  @Matches(/^[\w.:-]+$/, { message: 'must be an interface address or host name, e.g. 127.0.0.1 or 0.0.0.0' })
  host: string;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must not be empty when set' })
  opsToken?: string;

  /**
   * Whether OPS_TOKEN logs a person in as the bootstrap administrator (`OPS_BOOTSTRAP_ADMIN`, true
   * by default). Set false on Ops once named operators exist: the token then only carries Ops' own
   * calls to the other services.
   */
  @IsBoolean({ message: 'must be true or false' })
  opsBootstrapAdmin: boolean;

  /** The public keys that sign service credentials and merchant API keys: a JWK set, as JSON. */
  @IsOptional()
  @IsString()
  authPublicKeys?: string;

  /** This service's own credential for calling the others. */
  @IsOptional()
  @IsString()
  serviceToken?: string;

  @IsInt({ message: 'must be an integer between 1 and 100' })
  @Min(1, { message: 'must be an integer between 1 and 100' })
  @Max(100, { message: 'must be an integer between 1 and 100' })
  databasePoolSize: number;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  logLevel: LogLevel;

  /** How long a stopping service keeps serving while not ready, for its load balancer to notice. */
  @IsInt({ message: 'must be an integer between 0 and 120000' })
  @Min(0, { message: 'must be an integer between 0 and 120000' })
  @Max(120_000, { message: 'must be an integer between 0 and 120000' })
  shutdownGraceMs: number;

  /** Timeouts and the connection cap of the HTTP server (see http-limits.ts). */
  http: HttpLimits;
}

const ENV_NAMES: Record<Exclude<keyof PlatformConfig, 'http'>, string> = {
  databaseUrl: 'DATABASE_URL',
  amqpUrl: 'AMQP_URL',
  port: 'PORT',
  host: 'HOST',
  opsToken: 'OPS_TOKEN',
  opsBootstrapAdmin: 'OPS_BOOTSTRAP_ADMIN',
  authPublicKeys: 'AUTH_PUBLIC_KEYS',
  serviceToken: 'SERVICE_TOKEN',
  databasePoolSize: 'DATABASE_POOL_SIZE',
  logLevel: 'LOG_LEVEL',
  shutdownGraceMs: 'SHUTDOWN_GRACE_MS',
};

/** Thrown when the environment is invalid; the message lists every offending variable. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

// An empty variable (`PORT=`) means "unset", as shells and compose files often produce them.
const read = (env: NodeJS.ProcessEnv, name: string): string | undefined =>
  env[name] === undefined || env[name] === '' ? undefined : env[name];

// Anything but the two words is left as it is, for the validator to name.
const booleanOf = (value: string): unknown => ({ true: true, false: false })[value.trim().toLowerCase()] ?? value;

/** Reads and validates the platform variables from `env`, throwing ConfigValidationError. */
export function loadPlatformConfig(defaultPort: number, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const rawPort = read(env, 'PORT');
  const rawPoolSize = read(env, 'DATABASE_POOL_SIZE');
  const rawGrace = read(env, 'SHUTDOWN_GRACE_MS');
  const config = Object.assign(new PlatformConfig(), {
    databaseUrl: read(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL,
    amqpUrl: read(env, 'AMQP_URL') ?? DEFAULT_AMQP_URL,
    port: rawPort === undefined ? defaultPort : /^\d+$/.test(rawPort.trim()) ? Number(rawPort) : NaN,
    host: read(env, 'HOST') ?? '127.0.0.1',
    opsToken: env.OPS_TOKEN,
    opsBootstrapAdmin: booleanOf(read(env, 'OPS_BOOTSTRAP_ADMIN') ?? 'true'),
    authPublicKeys: read(env, 'AUTH_PUBLIC_KEYS'),
    serviceToken: read(env, 'SERVICE_TOKEN'),
    // Small by default: five services and their relays share one server's connection limit.
    databasePoolSize: rawPoolSize === undefined ? 10 : /^\d+$/.test(rawPoolSize.trim()) ? Number(rawPoolSize) : NaN,
    logLevel: (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase(),
    shutdownGraceMs: rawGrace === undefined ? 0 : /^\d+$/.test(rawGrace.trim()) ? Number(rawGrace) : NaN,
  });
  const http = readHttpLimits(env);
  config.http = http.limits;
  const errors = validateSync(config);
  if (errors.length > 0 || http.problems.length > 0) {
    throw new ConfigValidationError([
      ...errors.map((error) => {
        const name = ENV_NAMES[error.property as keyof typeof ENV_NAMES] ?? error.property;
        const shown = name === 'PORT' ? rawPort : ['OPS_TOKEN', 'SERVICE_TOKEN', 'AUTH_PUBLIC_KEYS'].includes(name) ? undefined : env[name];
        const got = shown === undefined ? '' : ` (got "${redactCredentials(shown)}")`;
        return `${name} ${Object.values(error.constraints ?? {})[0] ?? 'is invalid'}${got}`;
      }),
      ...http.problems,
    ]);
  }
  return config;
}

@Module({})
export class PlatformConfigModule {
  /** A global module validating the environment and providing `PlatformConfig` for injection. */
  static forRoot(defaultPort: number): DynamicModule {
    return {
      module: PlatformConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: (env) => {
            loadPlatformConfig(defaultPort, env as NodeJS.ProcessEnv);
            return env;
          },
        }),
      ],
      providers: [{ provide: PlatformConfig, useFactory: () => loadPlatformConfig(defaultPort) }],
      exports: [PlatformConfig],
    };
  }
}

/** Global config module for a service whose default port is `defaultPort`. */
export const platformConfigModule = (defaultPort: number): DynamicModule => PlatformConfigModule.forRoot(defaultPort);
