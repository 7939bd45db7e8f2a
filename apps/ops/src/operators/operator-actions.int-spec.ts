import { DomainError } from '@app/domain';
import { operatorCredentialDigest } from '@app/platform';
import { freshEventStore } from '@app/testing';
import { DataSource } from 'typeorm';
import { namedOperatorsDdl } from '../migrations/1764000000700-named-operators';
import { opsDdl } from '../migrations/ops-ddl';
import { OperatorActionsRepository } from './operator-actions.repository';
import { OpsOperatorDirectory } from './operator-directory';

describe('Named operators and operator actions against PostgreSQL', () => {
  let dataSource: DataSource;
  let schema: string;
  let actions: OperatorActionsRepository;

  beforeAll(async () => {
    ({ dataSource, schema } = await freshEventStore('ops'));
    for (const statement of [...opsDdl(schema), ...namedOperatorsDdl(schema)]) await dataSource.query(statement);
    actions = new OperatorActionsRepository(schema);
  });

  afterAll(() => dataSource.destroy());

  it('finds an operator by the hash of their credential only, until they are removed', async () => {
    const directory = new OpsOperatorDirectory(dataSource, schema);
    await dataSource.query(`INSERT INTO "${schema}".operators (name, role, credential_sha256) VALUES ('ada', 'viewer', $1)`, [
      operatorCredentialDigest('ada-credential'),
    ]);
    expect(await directory.find('ada-credential')).toEqual({ name: 'ada', role: 'viewer' });
    expect(await directory.find('ada-credentia')).toBeUndefined();
    await dataSource.query(`DELETE FROM "${schema}".operators WHERE name = 'ada'`);
    expect(await directory.find('ada-credential')).toBeUndefined();
  });

  it('lists requests newest first by operator, action, target and time, a page at a time, leaving out dead-letter history rows', async () => {
    const record = (actor: string, action: string, target: string, outcome: number) =>
      actions.recordRequest(dataSource.manager, { actor, action, target, outcome, detail: { method: 'POST' } });
    await record('ada', 'dead-letter.replay', '1', 403);
    // 10 ms either side of the instant, so that a millisecond Date falls strictly between the rows.
    const between = (await dataSource.query('SELECT pg_sleep(0.01), clock_timestamp() AS at'))[0].at as Date;
    await dataSource.query('SELECT pg_sleep(0.01)');
    await record('grace', 'dead-letter.replay', '1', 200);
    await record('grace', 'subscription.pause', 'fraud.account-events', 404);
    await dataSource.query(`INSERT INTO "${schema}".operator_actions (actor, action, target) VALUES ('grace', 'replay', 'dead-letter')`);

    const all = await actions.search(dataSource.manager, {}, { limit: 10 });
    expect(all.items.map((a) => [a.actor, a.action, a.outcome])).toEqual([
      ['grace', 'subscription.pause', 404],
      ['grace', 'dead-letter.replay', 200],
      ['ada', 'dead-letter.replay', 403],
    ]);
    expect(all.nextCursor).toBeNull();
    expect((await actions.search(dataSource.manager, { operator: 'ada' }, { limit: 10 })).items).toHaveLength(1);
    expect((await actions.search(dataSource.manager, { action: 'dead-letter.replay', target: '1' }, { limit: 10 })).items).toHaveLength(2);
    const after = await actions.search(dataSource.manager, { after: between.toISOString() }, { limit: 10 });
    expect(after.items.map((a) => a.actor)).toEqual(['grace', 'grace']);
    expect((await actions.search(dataSource.manager, { before: '2000-01-01T00:00:00Z' }, { limit: 10 })).items).toEqual([]);

    const first = await actions.search(dataSource.manager, {}, { limit: 2 });
    const second = await actions.search(dataSource.manager, {}, { limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((a) => a.id)).toEqual(all.items.map((a) => a.id));
    expect(second.nextCursor).toBeNull();
    await expect(actions.search(dataSource.manager, {}, { limit: 2, cursor: 'forged' })).rejects.toThrow(DomainError);
  });
});
