import { Setting } from './setting';

export type Settings = Record<string, Setting<unknown>>;

/** The values of a group's settings, by variable name. */
export type Values<S extends Settings> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** A rule over several values of a group (e.g. one timeout below another): the problem, or undefined. */
export type CrossRule<S extends Settings> = (values: Values<S>) => string | undefined;

/** The variables one part of the code reads, declared where they are read; a service's schema lists its groups. */
export interface SettingsGroup<S extends Settings = Settings> {
  readonly name: string;
  readonly settings: S;
  /** The cross rules' problems. A method, so that groups of different settings sit in one list (bivariance). */
  check(values: Values<S>): string[];
}

/** Declares a group of settings, with the rules that relate them. */
export const defineSettings = <S extends Settings>(name: string, settings: S, ...rules: CrossRule<S>[]): SettingsGroup<S> => ({
  name,
  settings,
  check: (values) => rules.flatMap((rule) => rule(values) ?? []),
});

/** Thrown when the environment is invalid; the message lists every offending variable, one line each. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

// A value is shown back only when it is not a secret, and never its credentials.
const shown = (setting: Setting<unknown>, raw: string): string =>
  setting.secret
    ? ''
    : ` (got "${raw.replace(/\/\/([^/@\s]*)@/g, (_, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : auth}@`)}")`;

/** The values of `group` in `env` and every problem, each naming its variable; empty means unset. */
export function inspectSettings<S extends Settings>(
  group: SettingsGroup<S>,
  env: NodeJS.ProcessEnv,
): { values: Values<S>; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(group.settings)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      if (setting.required) problems.push(`${name} must be set: ${setting.description}`);
      values[name] = setting.fallback;
      continue;
    }
    const value = setting.parse(raw);
    if (value === undefined) problems.push(`${name} must be ${setting.rule}${shown(setting, raw)}`);
    values[name] = value;
  }
  if (problems.length === 0) problems.push(...group.check(values as Values<S>));
  return { values: values as Values<S>, problems };
}

/** The schema this process runs under, once its service has validated it: a read outside it is refused. */
let active: { service: string; names: ReadonlySet<string> } | undefined;

/** Makes `names` the only variables this process may read (its service's schema); undefined lifts the guard. */
export function activateSchema(schema: { service: string; names: ReadonlySet<string> } | undefined): void {
  active = schema;
}

/**
 * The values of `group` in `env` (the process's by default): the one way the code reads its
 * environment. Throws ConfigValidationError naming each bad variable, and refuses a group whose
 * variables the running service's schema does not declare.
 */
export function readSettings<S extends Settings>(group: SettingsGroup<S>, env: NodeJS.ProcessEnv = process.env): Values<S> {
  return readSettingsGroups([group], env)[0];
}

type ValuesOfGroups<G extends readonly SettingsGroup<Settings>[]> = {
  [I in keyof G]: G[I] extends SettingsGroup<infer S> ? Values<S> : never;
};

/** Several groups at once, their problems in one ConfigValidationError. */
export function readSettingsGroups<const G extends readonly SettingsGroup<Settings>[]>(
  groups: G,
  env: NodeJS.ProcessEnv = process.env,
): ValuesOfGroups<G> {
  const undeclared = active
    ? groups.flatMap((group) =>
        Object.keys(group.settings)
          .filter((name) => !active!.names.has(name))
          .map((name) => `${name} is read by ${active!.service} (${group.name}) but not declared in its configuration schema`),
      )
    : [];
  if (undeclared.length > 0) throw new ConfigValidationError(undeclared);
  const read = groups.map((group) => inspectSettings(group, env));
  const problems = read.flatMap((r) => r.problems);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return read.map((r) => r.values) as ValuesOfGroups<G>;
}
