import { TABLE_START, configurationRows, renderEnvExample, tableRowsIn, variablesOf } from '@app/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVERY_SERVICE, SERVICE_SCHEMAS, TOOL_SCHEMAS } from '../scripts/configuration-schemas';

const root = join(__dirname, '..');
const page = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
const example = readFileSync(join(root, '.env.example'), 'utf8');

/** docs/configuration.md and .env.example follow the schemas, the one source of every variable. */
describe('Configuration schemas and their documentation', () => {
  const schemas = [...SERVICE_SCHEMAS, ...TOOL_SCHEMAS];
  const variables = new Set(schemas.flatMap((schema) => [...variablesOf(schema).keys()]));

  it('give every service a schema of its own, each with the platform variables', () => {
    expect(EVERY_SERVICE).toEqual(['account', 'merchant', 'checkout', 'fraud', 'ops', 'payment-provider']);
    for (const schema of SERVICE_SCHEMAS)
      expect([...variablesOf(schema).keys()]).toEqual(expect.arrayContaining(['DATABASE_URL', 'HOST', 'LOG_LEVEL']));
  });

  it('are the table of docs/configuration.md, row for row (regenerate it with scripts/configuration-docs.ts)', () => {
    expect(page).toContain(TABLE_START);
    expect(tableRowsIn(page)).toEqual(configurationRows(schemas, EVERY_SERVICE));
  });

  it('are .env.example, line for line (scripts/configuration-docs.ts writes both)', () => {
    expect(example).toBe(renderEnvExample(schemas, EVERY_SERVICE));
  });

  it('name every variable of .env.example, which names them all and holds no live credential', () => {
    const assigned = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)];
    expect(assigned.map((m) => m[1]).filter((name) => !variables.has(name))).toEqual([]);
    expect([...variables].filter((name) => !assigned.some((m) => m[1] === name))).toEqual([]);
    // Sourced, an uncommented URL with credentials (a superuser's above all) would override every service's own.
    const live = assigned.filter((m) => !m[0].startsWith('#') && /:\/\/[^/\s]*@/.test(m[2])).map((m) => m[1]);
    expect(live).toEqual([]);
  });
});
