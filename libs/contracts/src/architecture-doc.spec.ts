import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Headers } from './envelope';
import { DefaultPorts } from './ports';
import { DEFAULT_RETRY_TIERS, parseRetryTiers } from './retry-policy';
import { Routes } from './routing';

const root = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
const anchors = new Set([...doc.matchAll(/^#{2,4} (.+)$/gm)].map((match) => anchorOf(match[1])));

/** The repository's own text files that may cite the document (no dependencies, no build output). */
function citingFiles(directory = root): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (['node_modules', 'dist', 'coverage', '.git', '.platform'].includes(name)) return [];
    if (statSync(path).isDirectory()) return citingFiles(path);
    return /\.(ts|js|cjs|mjs|md)$/.test(name) ? [path] : [];
  });
}

/** The table rows of one section of the document, each as its cells. */
function tableOf(heading: string): string[][] {
  const section = doc.slice(doc.indexOf(`${heading}\n`)).split(/\n#{2,3} /)[0];
  return [...section.matchAll(/^\|(.+)\|$/gm)].map((match) => match[1].split('|').map((cell) => cell.trim()));
}

/** docs/architecture.md is the contract's own account: it must say what the code does. */
describe('docs/architecture.md', () => {
  it('has every section the code and the docs cite', () => {
    const cited = citingFiles().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/architecture\.md#([\w-]+)/g)].map((match) => ({
        file: relative(root, file),
        anchor: match[1],
      })),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter(({ anchor }) => !anchors.has(anchor))).toEqual([]);
  });

  it('gives every default port', () => {
    for (const [service, port] of Object.entries(DefaultPorts)) expect(doc).toContain(`${service} ${port}`);
  });

  it('names every AMQP header of the contract', () => {
    const named = new Set(tableOf('### Queues and messages').map((cells) => cells[0].replace(/`/g, '')));
    const documented = [...named].flatMap((cell) => cell.split(', '));
    expect(Object.values(Headers).filter((header) => !documented.includes(header))).toEqual([]);
  });

  it('gives the default retry tiers as they are', () => {
    const names = parseRetryTiers(DEFAULT_RETRY_TIERS).map((tier) => tier.name);
    expect(doc).toContain(`**${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}**`);
  });

  it('gives the routing as it is', () => {
    const rows = new Map(tableOf('### Routing').map(([producer, consumers]) => [producer, consumers]));
    for (const route of Routes) {
      const listed = rows.get(route.producer) ?? '';
      expect({ route: `${route.producer} → ${route.consumer}`, listed: new RegExp(`(^|, )${route.consumer}\\b`).test(listed) }).toEqual({
        route: `${route.producer} → ${route.consumer}`,
        listed: true,
      });
    }
  });
});
