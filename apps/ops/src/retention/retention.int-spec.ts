import { freshEventStore } from '@app/testing';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { opsDdl } from '../migrations/ops-ddl';
import { RetentionJob } from './retention-job';
import { RetentionRepository } from './retention.repository';

const purgedCount = async (kind: string): Promise<number> => {
  const metric = register.getSingleMetric('ops_retention_purged_total');
  const values = (await metric!.get()).values;
  return values.find((value) => value.labels.kind === kind)?.value ?? 0;
};

describe('Retention of resolved dead letters and operator actions, against PostgreSQL', () => {
  let dataSource: DataSource;
  let schema: string;
  let job: RetentionJob;

  beforeAll(async () => {
    ({ dataSource, schema } = await freshEventStore('ops'));
    for (const statement of opsDdl(schema)) await dataSource.query(statement);
    job = new RetentionJob(dataSource, new RetentionRepository(schema), {
      deadLetterDays: 30,
      operatorActionDays: 90,
      intervalMs: 3_600_000,
    });
  });

  afterAll(() => dataSource.destroy());

  /** A dead letter in `status`, last changed `ageDays` ago; answers its id. */
  const deadLetter = async (name: string, status: string, ageDays: number, extra: { editOf?: number; claimed?: boolean } = {}) => {
    const [row] = await dataSource.query(
      `INSERT INTO "${schema}".dead_letters (queue, message_id, body, error_code, attempts, first_failed_at, last_failed_at, status,
              updated_at, edit_of, replay_claimed_at)
       VALUES ('fraud.account-events', $1, '\\x7b7d', 'E', 1, now() - interval '400 days', now() - interval '400 days', $2,
               now() - make_interval(days => $3), $4, CASE WHEN $5 THEN now() END)
       RETURNING id`,
      [name, status, ageDays, extra.editOf ?? null, extra.claimed ?? false],
    );
    return Number(row.id);
  };
  const action = async (deadLetterId: number | null, ageDays: number) => {
    await dataSource.query(
      `INSERT INTO "${schema}".operator_actions (at, actor, action, target, dead_letter_id)
       VALUES (now() - make_interval(days => $1), 'ada', 'replay', 'fraud.account-events', $2)`,
      [ageDays, deadLetterId],
    );
  };
  const remaining = async () =>
    (await dataSource.query(`SELECT message_id FROM "${schema}".dead_letters ORDER BY message_id`)).map(
      (r: { message_id: string }) => r.message_id,
    );

  it('purges resolved dead letters and actions older than their own retentions, keeps the younger and every dead one, and counts', async () => {
    const replayedOld = await deadLetter('replayed-old', 'replayed', 31);
    await deadLetter('archived-old', 'archived', 45);
    await deadLetter('replayed-young', 'replayed', 29);
    await deadLetter('archived-young', 'archived', 1);
    await deadLetter('dead-ancient', 'dead', 400);
    await deadLetter('claim-in-flight-old', 'replayed', 31, { claimed: true });
    // An edit whose copy failed again: the superseded original stays while the copy is dead; another's goes.
    const supersededOpen = await deadLetter('superseded-copy-dead', 'superseded', 60);
    await deadLetter('copy-dead', 'dead', 59, { editOf: supersededOpen });
    const supersededDone = await deadLetter('superseded-copy-replayed', 'superseded', 60);
    await deadLetter('copy-replayed-young', 'replayed', 2, { editOf: supersededDone });
    // The audit of a purged dead letter outlives it, within its own retention.
    await action(replayedOld, 40);
    await action(replayedOld, 100);
    await action(null, 91);
    await action(null, 89);
    const before = { deadLetters: await purgedCount('dead_letter'), actions: await purgedCount('operator_action') };

    expect(await job.run()).toEqual({ dead_letter: 3, operator_action: 2 });

    expect(await remaining()).toEqual([
      'archived-young',
      'claim-in-flight-old',
      'copy-dead',
      'copy-replayed-young',
      'dead-ancient',
      'replayed-young',
      'superseded-copy-dead',
    ]);
    const actions = await dataSource.query(
      `SELECT extract(day FROM now() - at)::int AS age, dead_letter_id FROM "${schema}".operator_actions ORDER BY at`,
    );
    expect(actions).toEqual([
      { age: 89, dead_letter_id: null },
      { age: 40, dead_letter_id: null },
    ]);
    expect(await purgedCount('dead_letter')).toBe(before.deadLetters + 3);
    expect(await purgedCount('operator_action')).toBe(before.actions + 2);
    expect(await job.run()).toEqual({ dead_letter: 0, operator_action: 0 });
  });
});
