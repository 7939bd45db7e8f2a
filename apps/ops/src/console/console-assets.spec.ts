import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_HTML } from './console-page';

/** The console's browser modules (apps/ops/console), as written. */
const browserSources = (): { file: string; text: string }[] => {
  const directory = join(__dirname, '..', '..', 'console');
  return readdirSync(directory)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(join(directory, file), 'utf8') }));
};

describe('console assets', () => {
  it('load only same-origin assets (no CDN, no inline script)', () => {
    const sources = [...CONSOLE_HTML.matchAll(/(?:src|href)="([^"#]+)"/g)].map((match) => match[1]);
    expect(sources.sort()).toEqual(['/console/app.css', '/console/app.js', 'data:,']);
    expect(CONSOLE_HTML).not.toMatch(/<script>(?!<\/script>)|<style>|\son\w+="/);
  });

  it('never write API data as HTML', () => {
    const sources = browserSources();
    expect(sources.map((source) => source.file)).toContain('app.ts');
    for (const { file, text } of sources) {
      expect({ file, writesHtml: /innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(text) }).toEqual({
        file,
        writesHtml: false,
      });
    }
  });

  it('import only their own modules, by the name the console route serves', () => {
    for (const { file, text } of browserSources()) {
      const imports = [...text.matchAll(/\bfrom '([^']+)';$/gm)].map((match) => match[1]);
      expect({ file, imports: imports.filter((path) => !/^\.\/[a-z-]+\.js$/.test(path)) }).toEqual({ file, imports: [] });
    }
  });
});
