import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envFileOf, readEnvFiles, writeEnvFiles } from './provision';

/** The compose platform mounts one folder per service: `directories` puts each service's file in a folder of its own. */
describe('settings files by layout', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'env-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const settings = new Map<string, Record<string, string>>([
    ['account', { DATABASE_URL: 'postgres://account:p@db/platform_account', AUTH_PUBLIC_KEYS: '{"keys":[]}' }],
    ['ops', { OPS_TOKEN: 't1,t0' }],
  ]);

  it('writes <dir>/<service>/service.env, owner-only, and reads the same values back', async () => {
    await writeEnvFiles(dir, settings, 'directories');
    expect(readdirSync(dir).sort()).toEqual(['account', 'ops']);
    expect(envFileOf(dir, 'account', 'directories')).toBe(join(dir, 'account', 'service.env'));
    expect(statSync(join(dir, 'account', 'service.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'account')).mode & 0o777).toBe(0o700);
    expect(await readEnvFiles(dir, ['account', 'ops'], 'directories')).toEqual(settings);
  });

  it('keeps <dir>/<service>.env by default', async () => {
    await writeEnvFiles(dir, settings);
    expect(readdirSync(dir).sort()).toEqual(['account.env', 'ops.env']);
    expect(await readEnvFiles(dir, ['account', 'ops'])).toEqual(settings);
  });
});
