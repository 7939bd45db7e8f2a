import { NamedOperator, OperatorDirectory, operatorCredentialDigest } from '@app/platform';
import { DataSource } from 'typeorm';

/**
 * Ops' named operators, read from `ops.operators` on each request (a primary-key look-up), so that
 * a removed operator is refused from the next request on.
 */
export class OpsOperatorDirectory extends OperatorDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {
    super();
  }

  async find(credential: string): Promise<NamedOperator | undefined> {
    const rows: NamedOperator[] = await this.dataSource.query(
      `SELECT name, role FROM "${this.schema}".operators WHERE credential_sha256 = $1`,
      [operatorCredentialDigest(credential)],
    );
    return rows[0];
  }
}
