import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');

// Tooling and test kits, not services: provisioning holds the administrator's settings (scripts/ read them).
const OUTSIDE = /(\.spec\.ts|\.int-spec\.ts|\.d\.ts)$|^libs\/(testing|provisioning|config)\/|\/test\//;

/** A variable read anywhere but through readSettings: `process.env.X`, `env.X`, `env['X']`, `env[name]`, `{ X } = env`. */
const DIRECT_READ = /process\.env\s*(\?\.|\.|\[)|\benv\s*(\?\.|\.)\s*[A-Z_]|\benv\s*\[|\}\s*=\s*(process\.)?env\b/;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !OUTSIDE.test(path) ? [path] : [];
  });
}

/** Reads that bypass the schemas in `files`, as `path:line: text`. */
export function directReads(files: readonly string[], read: (file: string) => string): string[] {
  return files.flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, i) => (DIRECT_READ.test(line) && !line.trim().startsWith('//') ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('environment reads', () => {
  const files = [...sources('apps'), ...sources('libs')];

  it('go through a declared setting (readSettings), never process.env or env.X directly', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(directReads(files, (file) => readFileSync(join(root, file), 'utf8'))).toEqual([]);
  });

  it('are caught in each form', () => {
    const lines = [
      'const a = process.env.PORT;',
      "const b = env['HOST'];",
      'const c = env?.LOG_LEVEL;',
      'const { X } = process.env;',
      'f(process.env);',
    ];
    expect(directReads(['x.ts'], () => lines.join('\n')).map((hit) => hit.split(':')[1])).toEqual(['1', '2', '3', '4']);
    expect(relative(root, join(root, files[0]))).toBe(files[0]);
  });
});
