import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { OPERATOR_NAME, OPERATOR_ROLES, OperatorRole, isOperatorRole, operatorCredentialDigest, operatorsDdl } from '@app/platform';
import { adminDatabaseUrlOf } from './provision';
import { InstallationNames, principalOf } from './principals';

const OPS = 'ops';

async function onOpsDatabase<T>(adminUrl: string, names: InstallationNames, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminDatabaseUrlOf(adminUrl, OPS, names), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    // As Ops' own role, so that the schema and table belong to Ops as its migrations' do, even
    // when no Ops process has started yet.
    await client.query(`SET ROLE "${principalOf(OPS, names).role}"`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${OPS}"`);
    for (const statement of operatorsDdl(OPS)) await client.query(statement);
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Adds `name` with `role` (or gives an existing operator a new role and credential, the old one
 * ceasing to work) and answers the credential, which exists nowhere else: show it once.
 */
export async function addOperator(adminUrl: string, names: InstallationNames, name: string, role: string): Promise<string> {
  if (!OPERATOR_NAME.test(name)) throw new Error(`an operator's name is 1 to 64 of a-z 0-9 . _ @ - (got "${name}")`);
  if (!isOperatorRole(role)) throw new Error(`--role must be one of ${OPERATOR_ROLES.join(', ')}`);
  const credential = `opr_${randomBytes(32).toString('base64url')}`;
  await onOpsDatabase(adminUrl, names, (client) =>
    client.query(
      `INSERT INTO "${OPS}".operators (name, role, credential_sha256) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, credential_sha256 = EXCLUDED.credential_sha256, added_at = now()`,
      [name, role satisfies OperatorRole, operatorCredentialDigest(credential)],
    ),
  );
  return credential;
}

/** Removes `name`: their credential is refused from the next request on. False when there was none. */
export async function removeOperator(adminUrl: string, names: InstallationNames, name: string): Promise<boolean> {
  const { rowCount } = await onOpsDatabase(adminUrl, names, (client) =>
    client.query(`DELETE FROM "${OPS}".operators WHERE name = $1`, [name]),
  );
  return (rowCount ?? 0) > 0;
}
