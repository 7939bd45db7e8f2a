import { Script } from 'node:vm';
import { CONSOLE_HTML } from './console-page';
import { CONSOLE_SCRIPT } from './console-script';

describe('console assets', () => {
  it('ship a script that parses', () => {
    expect(() => new Script(CONSOLE_SCRIPT)).not.toThrow();
  });

  it('load only same-origin assets (no CDN, no inline script)', () => {
    const sources = [...CONSOLE_HTML.matchAll(/(?:src|href)="([^"#]+)"/g)].map((match) => match[1]);
    expect(sources.sort()).toEqual(['/console/app.css', '/console/app.js', 'data:,']);
    expect(CONSOLE_HTML).not.toMatch(/<script>(?!<\/script>)|<style>|\son\w+="/);
  });

  it('never writes API data as HTML', () => {
    expect(CONSOLE_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
