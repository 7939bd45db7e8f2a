import { TABLE_START, configurationRows, renderEnvExample, tableRowsIn, variablesOf } from '@app/config';
import { spawnSync } from 'node:child_process';
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

  it.each(EVERY_SERVICE)('stop %s at start with one line per bad variable, before it connects to anything', (service) => {
    const { status, stderr } = spawnSync(process.execPath, [join('dist', 'apps', service, 'main.js')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      // An unreachable database: a service that connected first would say so instead.
      env: {
        ...process.env,
        DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:9/none',
        DATABASE_POOL_SIZE: 'lots',
        HTTP_MAX_CONNECTIONS: '0',
      },
    });
    expect({ status, stderr }).toEqual({
      status: 1,
      stderr:
        `${service} could not start: Invalid configuration:\n` +
        '  - DATABASE_POOL_SIZE must be an integer between 1 and 100 (got "lots")\n' +
        '  - HTTP_MAX_CONNECTIONS must be an integer between 1 and 3600000 (got "0")\n',
    });
  });
});
