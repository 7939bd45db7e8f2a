import { AmqpConnection } from '@app/messaging';
import { eventually, TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import type { Channel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asDeadLetter, deadLetterOf, eventMessage, OpsApi, QueueWriter, runOpsCli, startPlatform } from './support/ops-e2e-support';

const QUEUE = 'fraud.account-events';

interface Shown {
  id: number;
  status: string;
  body: string;
  editOf: number | null;
  editedInto: number | null;
  supersededBy: string | null;
  history: { action: string; actor: string; detail: Record<string, unknown> }[];
}

/**
 * Edit and retry, search and dry run over Ops' HTTP API and CLI. Fraud is not started: this spec
 * consumes fraud.account-events itself and counts every message that reaches it, whatever its
 * body, so a copy sent twice shows even where a consumer's inbox would absorb it.
 */
describe('Ops edit and retry, search, cursor pages and dry run', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;
  let connection: AmqpConnection;
  let channel: Channel;
  /** Every body that reached the consumer queue, by event id, in arrival order. */
  const received = new Map<string, { name: string; currency: string }[]>();
  /** Three named operators' credentials, by name: the audit's actor is whoever authenticated. */
  const credentials: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startPlatform(['ops']);
    ops = new OpsApi(platform.url('ops'));
    for (const name of ['ada', 'bob', 'cy']) credentials[name] = await platform.addOperator(name, 'operator');
    writer = await new QueueWriter(platform.amqpUrl).start();
    connection = new AmqpConnection({ url: platform.amqpUrl, name: 'edit-retry-consumer' });
    await connection.start();
    channel = await connection.current().createChannel();
    await channel.consume(QUEUE, (message) => {
      if (!message) return;
      const event = JSON.parse(message.content.toString('utf8')) as { eventId: string; data: { name: string; currency: string } };
      received.set(event.eventId, [...(received.get(event.eventId) ?? []), { name: event.data.name, currency: event.data.currency }]);
      channel.ack(message);
    });
  });

  afterAll(async () => {
    await channel?.close().catch(() => undefined);
    await connection?.close();
    await writer?.stop();
    await platform?.stop();
  });

  const cli = (args: string[]) => runOpsCli(args, { OPS_URL: platform.url('ops'), OPS_TOKEN: TEST_OPS_TOKEN });

  /** An AccountOpened its producer wrote with a currency the contract refuses, dead-lettered as the consumer does. */
  const poisoned = (marker: string) => {
    const id = randomUUID();
    const message = eventMessage({
      type: 'AccountOpened',
      streamId: `account-${id}`,
      streamVersion: 1,
      data: {
        id,
        name: 'Original',
        lastName: marker,
        country: 'GB',
        address: { street: '1 Edit St', city: 'Leeds', zip: 'LS1' },
        limit: 0,
        currency: 'euro',
      },
    });
    return { message, eventId: message.options.messageId, dead: asDeadLetter(message, QUEUE, 'SCHEMA_VIOLATION', `${marker}: currency`) };
  };
  const store = async (count: number, marker: string) => {
    const poisons = Array.from({ length: count }, () => poisoned(marker));
    await writer.publish(
      `${QUEUE}.dlq`,
      poisons.map((p) => p.dead),
    );
    const stored = [];
    for (const poison of poisons) stored.push({ ...poison, id: (await deadLetterOf(ops, QUEUE, poison.eventId)).id });
    return stored;
  };
  const edited = (message: { content: Buffer }, name: string, currency = 'EUR') => {
    const body = JSON.parse(message.content.toString('utf8')) as { data: Record<string, unknown> };
    return JSON.stringify({ ...body, data: { ...body.data, name, currency } });
  };
  /**
   * Every send so far has reached the queue (each answer came after the broker's confirm); once a
   * sentinel replayed after them has arrived, so has everything sent before it.
   */
  const drained = async () => {
    const [sentinel] = await store(1, 'sentinel');
    expect((await ops.post(`/dead-letters/${sentinel.id}/replay`)).status).toBe(200);
    await eventually(() => received.has(sentinel.eventId), 15_000);
  };

  it('sends exactly one copy when two edits and a replay race for the same dead letter', async () => {
    const targets = await store(12, `race-${randomUUID()}`);

    const answers = await Promise.all(
      targets.map(async (target) => {
        const [first, second, replay] = await Promise.all([
          ops.post<Shown & { edited: Shown; original: Shown }>(
            `/dead-letters/${target.id}/edit`,
            { body: edited(target.message, 'Edit A') },
            credentials.ada,
          ),
          ops.post<Shown & { edited: Shown; original: Shown }>(
            `/dead-letters/${target.id}/edit`,
            { body: edited(target.message, 'Edit B') },
            credentials.bob,
          ),
          ops.post<Shown>(`/dead-letters/${target.id}/replay`, undefined, credentials.cy),
        ]);
        return { target, first, second, replay };
      }),
    );
    await drained();

    for (const { target, first, second, replay } of answers) {
      const statuses = [first.status, second.status, replay.status];
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(2);
      const copies = received.get(target.eventId) ?? [];
      expect(copies).toHaveLength(1);
      const winner = [first, second].find((answer) => answer.status === 200);
      const original = await ops.get<Shown>(`/dead-letters/${target.id}`);
      if (winner) {
        // The copy sent is the winning edit; the original is kept, superseded, its audit holding both bodies.
        expect(copies[0]).toEqual({ name: winner === first ? 'Edit A' : 'Edit B', currency: 'EUR' });
        expect(original).toMatchObject({
          status: 'superseded',
          editedInto: winner.body.edited.id,
          body: target.message.content.toString(),
        });
        expect(original.history).toEqual([
          expect.objectContaining({
            action: 'edit',
            actor: winner === first ? 'ada' : 'bob',
            detail: expect.objectContaining({
              originalBody: target.message.content.toString(),
              editedBody: edited(target.message, winner === first ? 'Edit A' : 'Edit B'),
              editedId: winner.body.edited.id,
            }),
          }),
        ]);
        expect(await ops.get<Shown>(`/dead-letters/${winner.body.edited.id}`)).toMatchObject({ status: 'replayed', editOf: target.id });
      } else {
        expect(copies[0]).toEqual({ name: 'Original', currency: 'euro' });
        expect(original).toMatchObject({ status: 'replayed', editedInto: null });
      }
    }
    process.stdout.write(
      `edit race: ${answers.filter((a) => a.replay.status === 200).length} of ${answers.length} won by the replay, the rest by an edit\n`,
    );
  });

  it('refuses an edit the consumer would refuse, or one that makes another event, and sends nothing', async () => {
    const [target] = await store(1, `invalid-${randomUUID()}`);
    const badCurrency = await ops.post(`/dead-letters/${target.id}/edit`, { body: edited(target.message, 'Fixed', 'eur0') });
    expect(badCurrency).toMatchObject({ status: 400, body: { code: 'INVALID_EDIT' } });
    expect(badCurrency.body.detail).toContain('AccountOpened v1');
    expect(badCurrency.body.detail).toContain('/currency');
    const otherEvent = JSON.stringify({ ...JSON.parse(edited(target.message, 'Fixed')), eventId: randomUUID() });
    expect((await ops.post(`/dead-letters/${target.id}/edit`, { body: otherEvent })).body).toMatchObject({
      status: 400,
      code: 'INVALID_EDIT',
    });
    expect((await ops.post(`/dead-letters/${target.id}/edit`, { body: '{"eventId": ' })).body).toMatchObject({ code: 'INVALID_EDIT' });

    await drained();
    expect(received.has(target.eventId)).toBe(false);
    expect(await ops.get(`/dead-letters/${target.id}`)).toMatchObject({ status: 'dead', history: [] });
  });

  it('edits and retries from the CLI: fields set on the stored body, or a whole body from a file', async () => {
    const [bySet, byFile] = await store(2, `cli-${randomUUID()}`);
    const refused = await cli(['edit', String(bySet.id), '--set', 'data.currency=eur0']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/AccountOpened v1.*\/currency.*\(400 INVALID_EDIT\)/s);
    expect((await cli(['edit', String(bySet.id)])).code).toBe(2);

    const set = await cli(['edit', String(bySet.id), '--set', 'data.currency=EUR', '--set', 'data.name=Fixed by CLI']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const editedId = Number(
      new RegExp(`^Edited dead letter ${bySet.id} into (\\d+) \\(${QUEUE}, replayed\\); ${bySet.id} is superseded\\.$`, 'm').exec(
        set.stdout,
      )?.[1],
    );
    expect(editedId).toBeGreaterThan(bySet.id);

    const file = join(mkdtempSync(join(tmpdir(), 'ops-edit-')), 'body.json');
    writeFileSync(file, edited(byFile.message, 'From a file'));
    const whole = await cli(['edit', String(byFile.id), '--body-file', file, '--json']);
    expect(whole).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(whole.stdout)).toMatchObject({ original: { id: byFile.id, status: 'superseded' }, edited: { status: 'replayed' } });

    await drained();
    expect(received.get(bySet.eventId)).toEqual([{ name: 'Fixed by CLI', currency: 'EUR' }]);
    expect(received.get(byFile.eventId)).toEqual([{ name: 'From a file', currency: 'EUR' }]);
    const original = await ops.get<Shown>(`/dead-letters/${bySet.id}`);
    expect(original).toMatchObject({ status: 'superseded', editedInto: editedId, body: bySet.message.content.toString() });
    expect(original.history).toEqual([expect.objectContaining({ action: 'edit', actor: 'bootstrap' })]);
  });

  it('searches by text and time, pages by cursor past any ceiling, and dry-runs a replay that sends nothing', async () => {
    const marker = `search-${randomUUID()}`;
    const stored = await store(7, marker);
    const pageOf = (query: string) =>
      ops.get<{ items: { id: number }[]; total: number; nextCursor: string | null }>(`/dead-letters?${query}`);

    const ids: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await pageOf(`search=${marker.toUpperCase()}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.total).toBe(7);
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(ids).toEqual(stored.map((s) => s.id).sort((a, b) => a - b));
    // A total that is a multiple of the page size: the last full page says there is no next one.
    const whole = await pageOf(`search=${marker}&limit=7`);
    expect(whole).toMatchObject({ total: 7, nextCursor: null });
    expect(whole.items.map((item) => item.id)).toEqual(ids);
    const single: number[] = [];
    for (let next: string | null = ''; next !== null;) {
      const page = await pageOf(`search=${marker}&limit=1${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      expect(page.items).toHaveLength(1);
      single.push(page.items[0].id);
      next = page.nextCursor;
    }
    expect(single).toEqual(ids);
    const streamId = (JSON.parse(stored[4].message.content.toString()) as { streamId: string }).streamId;
    expect((await pageOf(`search=${streamId}`)).items.map((item) => item.id)).toEqual([stored[4].id]);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await pageOf(`search=${marker}&from=${later}`)).total).toBe(0);
    expect((await pageOf(`search=${marker}&to=${later}`)).total).toBe(7);
    await expect(ops.get('/dead-letters?cursor=forged')).rejects.toThrow(/answered 400.*INVALID_CURSOR/);

    const listed = await cli(['list', '--search', marker, '--limit', '5']);
    expect(listed.code).toBe(0);
    const next = /next page: --cursor (\S+)/.exec(listed.stdout)?.[1];
    expect(listed.stdout).toContain('5 shown of 7');
    const rest = await cli(['list', '--search', marker, '--limit', '5', '--cursor', next!, '--json']);
    expect((JSON.parse(rest.stdout) as { items: { id: number }[] }).items.map((item) => item.id)).toEqual(ids.slice(5));
    const all = await cli(['list', '--search', marker, '--limit', '7']);
    expect(all.stdout).toContain('7 shown of 7');
    expect(all.stdout).not.toContain('next page');

    const plan = await ops.post('/dead-letters/replay/dry-run', { ids: stored.slice(0, 4).map((s) => s.id) });
    expect(plan).toMatchObject({
      status: 200,
      body: {
        dryRun: true,
        requested: 4,
        wouldReplay: 4,
        groups: [{ queue: QUEUE, type: 'AccountOpened', code: 'SCHEMA_VIOLATION', count: 4 }],
      },
    });
    const dry = await cli(['replay', ...stored.map((s) => String(s.id)), '--dry-run']);
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain('Dry run: would replay 7 dead letter(s) of 7 selected, in 1 group(s); sent nothing.');
    expect(dry.stdout).toMatch(/fraud\.account-events\s+AccountOpened\s+SCHEMA_VIOLATION\s+7/);

    await drained();
    expect(stored.filter((s) => received.has(s.eventId))).toEqual([]);
    expect((await pageOf(`search=${marker}`)).total).toBe(7);
  });
});
