import { topologyOf } from '@app/messaging';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerDefinitions } from './broker-provisioning';
import { provisioningSql } from './database-provisioning';
import { DEFAULT_INSTALLATION, platformQueues } from './principals';

const deploy = (file: string) => readFileSync(join(__dirname, '..', '..', '..', 'deploy', file), 'utf8');

describe('the reviewable production artefacts in deploy/', () => {
  it('are exactly what npm run provision does (regenerate with npm run provision -- --artefacts)', () => {
    expect(deploy('provision.sql')).toBe(provisioningSql(DEFAULT_INSTALLATION));
    expect(JSON.parse(deploy('rabbitmq-definitions.json'))).toEqual(
      brokerDefinitions(DEFAULT_INSTALLATION, { topology: topologyOf(platformQueues()) }),
    );
  });

  it('give no service role superuser, role or database creation, nor a broker user any configure right or the default exchange', () => {
    expect(deploy('provision.sql')).not.toMatch(/\b(?<!NO)(SUPERUSER|CREATEROLE|CREATEDB)\b/);
    const { permissions } = JSON.parse(deploy('rabbitmq-definitions.json')) as { permissions: { configure: string; write: string }[] };
    expect(permissions).toHaveLength(5);
    for (const permission of permissions) {
      expect(permission.configure).toBe('^$');
      expect(permission.write).not.toMatch(/amq\.default|\.\*/);
    }
  });
});
