import { Setting } from './setting';
import { ConfigValidationError, Settings, SettingsGroup, activateSchema, inspectSettings } from './settings-group';

/** Every variable one program reads: the groups of the code it runs. The one source of its validation and its docs. */
export interface ServiceSchema {
  /** The service (or tool, e.g. `npm run provision`) as docs/configuration.md names it. */
  readonly service: string;
  readonly groups: readonly SettingsGroup<Settings>[];
}

/** Declares a program's schema; a variable declared twice must be the same declaration (a shared group). */
export function defineServiceSchema(service: string, groups: readonly SettingsGroup<Settings>[]): ServiceSchema {
  const schema = { service, groups };
  variablesOf(schema);
  return schema;
}

/** Every variable of `schema` with its declaration. */
export function variablesOf(schema: ServiceSchema): Map<string, Setting<unknown>> {
  const variables = new Map<string, Setting<unknown>>();
  for (const group of schema.groups) {
    for (const [name, setting] of Object.entries(group.settings)) {
      const earlier = variables.get(name);
      if (earlier && earlier !== setting) throw new Error(`${schema.service}: ${name} is declared twice, differently (${group.name})`);
      variables.set(name, setting);
    }
  }
  return variables;
}

/**
 * Validates every variable of `schema` at once (one error listing each bad one), then makes the
 * schema the process's: from then on, reading a variable it does not declare throws.
 */
export function validateServiceConfig(schema: ServiceSchema, env: NodeJS.ProcessEnv = process.env): void {
  const problems = schema.groups.flatMap((group) => inspectSettings(group, env).problems);
  if (problems.length > 0) throw new ConfigValidationError([...new Set(problems)]);
  activateSchema({ service: schema.service, names: new Set(variablesOf(schema).keys()) });
}
