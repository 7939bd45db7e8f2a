import { ServiceSchema, variablesOf } from './service-schema';
import { Setting } from './setting';

/** Where docs/configuration.md holds the generated table (scripts/configuration-docs.ts writes it, a spec compares). */
export const TABLE_START = '<!-- configuration table: generated from the schemas by scripts/configuration-docs.ts -->';
export const TABLE_END = '<!-- end of the configuration table -->';

const HEADER = ['variable', 'used by', 'valid values', 'default', 'secret', 'what'];

const defaultOf = (setting: Setting<unknown>): string =>
  setting.shownDefault ?? (setting.required ? 'required' : setting.fallback === undefined ? 'unset' : `\`${String(setting.fallback)}\``);

/** One row per variable of every schema, in the order first declared: who reads it, its type, default and meaning. */
export function configurationRows(schemas: readonly ServiceSchema[], everyService: readonly string[]): string[][] {
  const users = new Map<string, { setting: Setting<unknown>; services: string[] }>();
  for (const schema of schemas) {
    for (const [name, setting] of variablesOf(schema)) {
      const entry = users.get(name) ?? { setting, services: [] };
      if (entry.setting !== setting) throw new Error(`${name} is declared twice, differently (${schema.service})`);
      entry.services.push(schema.service);
      users.set(name, entry);
    }
  }
  return [...users].map(([name, { setting, services }]) => [
    `\`${name}\``,
    everyService.every((service) => services.includes(service))
      ? ['every service', ...services.filter((service) => !everyService.includes(service))].join(', ')
      : services.join(', '),
    setting.rule,
    defaultOf(setting),
    setting.secret ? 'yes' : '',
    setting.description,
  ]);
}

const cells = (row: readonly string[]) => `| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;

/** The markdown table of `rows` between its markers (prettier aligns it afterwards). */
export const renderConfigurationTable = (rows: readonly string[][]): string =>
  [TABLE_START, '', cells(HEADER), cells(HEADER.map(() => '---')), ...rows.map(cells), '', TABLE_END].join('\n');

/** The rows of the generated table in a markdown document, whatever its column alignment. */
export function tableRowsIn(markdown: string): string[][] {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) return [];
  return markdown
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, '|')),
    );
}

/**
 * `.env.example` from the same schemas: every variable commented out at its default, so sourcing the file changes
 * nothing (least of all with a superuser's URL); uncomment what you change. Secrets and credentials stay empty.
 */
export function renderEnvExample(schemas: readonly ServiceSchema[], everyService: readonly string[]): string {
  const rows = configurationRows(schemas, everyService);
  const settings = new Map(schemas.flatMap((schema) => [...variablesOf(schema)]));
  const lines = rows.map(([variable, usedBy]) => {
    const name = variable.slice(1, -1);
    const setting = settings.get(name)!;
    const hasCredentials = typeof setting.fallback === 'string' && /:\/\/[^/\s]*@/.test(setting.fallback);
    const value = setting.secret || hasCredentials || setting.fallback === undefined ? '' : String(setting.fallback);
    const shownDefault = defaultOf(setting)
      .replace(/`/g, '')
      .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
    const note = value === '' && shownDefault !== 'unset' ? `; ${shownDefault}` : '';
    return `${`# ${name}=${value}`.padEnd(48)}  # ${usedBy.replace(/`/g, '')}${note}`;
  });
  return [
    '# Every environment variable the platform reads, generated from the schemas by scripts/configuration-docs.ts',
    '# (docs/configuration.md says what each means). All are commented out: unset, each takes its default, and',
    "# npm run provision writes each service's own connections and keys to .platform/<service>.env.",
    ...lines,
    '',
  ].join('\n');
}
