/**
 * Writes the variable table of docs/configuration.md from the schemas (apps/<service>/src/<service>.config.ts):
 * `npx ts-node --transpile-only -r tsconfig-paths/register scripts/configuration-docs.ts`, then prettier.
 * test/configuration.e2e-spec.ts fails while the page and the schemas differ.
 */
import { TABLE_END, TABLE_START, configurationRows, renderConfigurationTable, renderEnvExample } from '@app/config';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVERY_SERVICE, SERVICE_SCHEMAS, TOOL_SCHEMAS } from './configuration-schemas';

const file = join(__dirname, '..', 'docs', 'configuration.md');
const page = readFileSync(file, 'utf8');
const start = page.indexOf(TABLE_START);
const end = page.indexOf(TABLE_END);
if (start < 0 || end < start) throw new Error(`docs/configuration.md has no "${TABLE_START}" … "${TABLE_END}" section`);
const table = renderConfigurationTable(configurationRows([...SERVICE_SCHEMAS, ...TOOL_SCHEMAS], EVERY_SERVICE));
writeFileSync(file, `${page.slice(0, start)}${table}${page.slice(end + TABLE_END.length)}`);
process.stdout.write(`wrote the table of ${file}; run prettier --write on it\n`);
writeFileSync(join(__dirname, '..', '.env.example'), renderEnvExample([...SERVICE_SCHEMAS, ...TOOL_SCHEMAS], EVERY_SERVICE));
process.stdout.write('wrote .env.example\n');
