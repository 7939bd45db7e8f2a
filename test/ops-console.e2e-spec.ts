import { Routes } from '@app/contracts';
import { eventually, TestPlatform, asOperator } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { asDeadLetter, deadLetterOf, eventMessage, OpsApi, QueueWriter, startPlatform } from './support/ops-e2e-support';

// A gap is reported within about a second here, not the installation's minutes (handed on to the services).
process.env.CONSUMER_GAP_TIMEOUT_MS = '1000';

const QUEUE = 'account.account-events';
/** Debian's package; a prerequisite the tests report when it is missing and never install (.ci/run does). */
const CHROMIUM = '/usr/bin/chromium';

/** The web console in real headless Chromium, served by the built Ops process. */
describe('Ops web console', () => {
  let platform: TestPlatform;
  let ops: OpsApi;
  let writer: QueueWriter;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `The Ops console spec needs Chromium at ${CHROMIUM}, which is missing: install Debian's chromium package (.ci/run does).`,
      );
    platform = await startPlatform(['account', 'ops']);
    ops = new OpsApi(platform.url('ops'));
    writer = await new QueueWriter(platform.amqpUrl).start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await writer?.stop();
    await platform?.stop();
  });

  it('shows a dead-letter group, opens a message, replays it, and the message leaves the list', async () => {
    const id = randomUUID();
    const poison = eventMessage({
      type: 'LimitUpdated',
      streamId: `account-${id}`,
      streamVersion: 2,
      data: { id, newLimit: 700, oldLimit: 500 },
    });
    await writer.publish(QUEUE, [poison]);
    await deadLetterOf(ops, QUEUE, poison.options.messageId);
    // Remove the cause: the account's first event arrives, and the waiting one applies after it (the replay is a duplicate).
    await writer.publish(QUEUE, [
      eventMessage({
        type: 'AccountOpened',
        streamId: `account-${id}`,
        streamVersion: 1,
        data: {
          id,
          name: 'Barbara',
          lastName: 'Liskov',
          country: 'US',
          address: { street: '1 Main', city: 'Boston', zip: '02110' },
          limit: 500,
          currency: 'USD',
        },
      }),
    ]);

    await page.goto(`${platform.url('ops')}/console`);
    // A named admin: the console registers and removes consumers below.
    await page.fill('#token', await platform.addOperator('console-operator', 'admin'));
    await page.click('#save-token');
    await page.waitForSelector('#auth-state:text("token set")');
    // Every route needs the token, reads included: the page's first loads were refused (401), as they should be.
    pageErrors.length = 0;

    const group = page.locator(`tr.group[data-queue="${QUEUE}"][data-code="GAP_TIMEOUT"]`);
    await group.waitFor();
    expect(await group.locator('td.num').textContent()).toBe('1');
    await group.locator('a.open-group').click();

    const row = page.locator(`tr.dead-letter[data-message-id="${poison.options.messageId}"]`);
    await row.waitFor();
    await row.locator('a.open-message').click();
    await page.waitForSelector('#message-body');
    expect(await page.textContent('#message-body')).toContain(`"streamId": "account-${id}"`);
    expect(await page.textContent('#message-headers')).toContain('"x-error-code": "GAP_TIMEOUT"');
    expect(await page.textContent('#message-fields')).toContain('GAP_TIMEOUT');

    await page.click('#replay-message');
    await page.waitForSelector('#notice:text("Replayed dead letter")');
    await page.waitForSelector('p.empty:text("None left in this group.")');
    expect(await page.locator('tr.dead-letter').count()).toBe(0);

    expect(await ops.findByMessageId(QUEUE, poison.options.messageId)).toMatchObject({
      status: 'replayed',
      lastReplayedBy: 'console-operator',
    });
    await eventually(
      async () => {
        const account = (await (await fetch(`${platform.url('account')}/accounts/${id}`, asOperator())).json()) as { limit?: number };
        return account.limit === 700;
      },
      15_000,
      100,
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows a parked stream under its blocker, and replaying the blocker from there releases the parked ones in order', async () => {
    const id = randomUUID();
    const streamId = `account-${id}`;
    const limitUpdated = (version: number, newLimit: number) =>
      eventMessage({ type: 'LimitUpdated', streamId, streamVersion: version, data: { id, newLimit, oldLimit: newLimit - 100 } });
    await writer.publish(QUEUE, [
      eventMessage({
        type: 'AccountOpened',
        streamId,
        streamVersion: 1,
        data: {
          id,
          name: 'Grace',
          lastName: 'Hopper',
          country: 'US',
          address: { street: '1 Navy', city: 'Arlington', zip: '22201' },
          limit: 500,
          currency: 'USD',
        },
      }),
    ]);
    // As the consumer leaves them: version 2 dead-lettered for good, versions 3 and 4 parked behind it.
    const blocker = limitUpdated(2, 600);
    const parked = [limitUpdated(3, 700), limitUpdated(4, 800)];
    await writer.publish(`${QUEUE}.dlq`, [
      asDeadLetter(blocker, QUEUE, 'LIMIT_RULE', 'a rule since fixed'),
      ...parked.map((message) => {
        const dead = asDeadLetter(message, QUEUE, 'PARKED', `${streamId} is parked behind version 2`);
        return {
          ...dead,
          options: { ...dead.options, headers: { ...dead.options.headers, 'x-parked-behind': blocker.options.messageId } },
        };
      }),
    ]);
    for (const message of parked) await deadLetterOf(ops, QUEUE, message.options.messageId);

    await page.click('#nav-parked');
    const row = page.locator(`tr.parked-stream[data-stream="${streamId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('LIMIT_RULE');
    expect(await row.textContent()).toContain('3, 4');
    await row.locator('button.replay-blocker').click();
    await page.waitForSelector('#notice:text("Replayed dead letter")');
    await eventually(
      async () => {
        const account = (await (await fetch(`${platform.url('account')}/accounts/${id}`, asOperator())).json()) as { version?: number };
        return account.version === 4;
      },
      15_000,
      100,
    );
    const account = (await (await fetch(`${platform.url('account')}/accounts/${id}`, asOperator())).json()) as { limit?: number };
    expect(account.limit).toBe(800);
    await page.waitForSelector(`tr.parked-stream[data-stream="${streamId}"]`, { state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it('shows every subscription with its lag, and the producers that are down', async () => {
    await page.click('#nav-subscriptions');
    const row = page.locator(`tr.subscription[data-name="${QUEUE}"]`);
    await row.waitFor();
    expect(await row.locator('td.lag-events').textContent()).toMatch(/^\d+$/);
    expect(await page.locator('tr.subscription').count()).toBe(Routes.length);
    expect(await page.textContent('p.status-unavailable')).toContain('merchant');
    expect(pageErrors).toEqual([]);
  });

  it('registers a consumer from its form, shows its backfill until done, and removes it after a confirmation', async () => {
    const queue = 'console-bi.account-events';
    await platform.addConsumer('console-bi', ['account']);
    await page.fill('#consumer-queue', queue);
    await page.fill('#consumer-from', '0');
    await page.click('#register-consumer button[type=submit]');
    const row = page.locator(`tr.subscription[data-name="${queue}"]`);
    await row.locator('td.backfill:has-text("done")').waitFor({ timeout: 30_000 });
    expect(await row.locator('td.backfill progress').count()).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept(queue));
    await row.locator('button.remove').click();
    await row.waitFor({ state: 'detached' });
    expect((await ops.get<{ subscriptions: { name: string }[] }>('/subscriptions')).subscriptions.some((s) => s.name === queue)).toBe(
      false,
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows what operators did, filtered by operator, refusals included', async () => {
    const viewer = await platform.addOperator('console-viewer', 'viewer');
    expect((await ops.post('/dead-letters/999999999/replay', {}, viewer)).status).toBe(403);
    await page.click('#nav-actions');
    await page.waitForSelector('#actions-filter');
    await page.fill('#actions-operator', 'console-viewer');
    await page.click('#actions-filter button[type=submit]');
    const refused = page.locator('tr.operator-action[data-actor="console-viewer"][data-action="dead-letter.replay"]');
    await refused.waitFor();
    expect(await refused.locator('td.outcome').textContent()).toBe('403 FORBIDDEN');
    // The unfiltered list (shown first on the tab) holds that row too: wait for the filtered answer.
    await eventually(async () => (await page.locator('tr.operator-action').count()) === 1, 10_000, 100);
    // The earlier cases' replays, by the operator whose credential the console held (more than one: any will do).
    await page.fill('#actions-operator', 'console-operator');
    await page.click('#actions-filter button[type=submit]');
    await page
      .locator('tr.operator-action[data-actor="console-operator"][data-action="dead-letter.replay"][data-outcome="200"]')
      .first()
      .waitFor();
    expect(await page.locator('tr.operator-action:not([data-actor="console-operator"])').count()).toBe(0);
  });

  it('searches dead letters by text and time, loads page after page, and dry-runs a group without sending it', async () => {
    const marker = `console-${randomUUID().slice(0, 8)}`;
    const code = `HELD_${marker.slice(-8).toUpperCase()}`;
    const messages = Array.from({ length: 60 }, (_, index) =>
      eventMessage({
        type: 'LimitUpdated',
        streamId: `account-${randomUUID()}`,
        streamVersion: 2,
        data: { id: randomUUID(), newLimit: index, oldLimit: 0 },
      }),
    );
    await writer.publish(
      `${QUEUE}.dlq`,
      messages.map((message) => asDeadLetter(message, QUEUE, code, `${marker}: held for the console`)),
    );
    await eventually(async () => (await ops.groups()).find((g) => g.code === code)?.count === 60, 30_000, 200);

    await page.click('#nav-groups');
    await page.fill('#search-text', marker);
    await page.click('#search-form button[type=submit]');
    await page.waitForSelector('#list-count:text("60 dead letter(s), 50 shown")');
    expect(await page.locator('tr.dead-letter').count()).toBe(50);
    await page.click('#load-more');
    await page.waitForSelector('#list-count:text-is("60 dead letter(s)")');
    expect(await page.locator('tr.dead-letter').count()).toBe(60);
    expect(await page.locator('#load-more').isHidden()).toBe(true);

    await page.click('#nav-groups');
    await page.fill('#search-text', marker);
    await page.fill('#search-from', '2099-01-01T00:00');
    await page.click('#search-form button[type=submit]');
    await page.waitForSelector('p.empty:text("No dead letter matches.")');

    await page.click('#nav-groups');
    const group = page.locator(`tr.group[data-code="${code}"]`);
    await group.locator('button.dry-run').click();
    await page.locator('#dry-run', { hasText: 'would replay 60 dead letter(s); nothing was sent' }).waitFor();
    expect(await page.textContent('#dry-run')).toContain(`${QUEUE} · LimitUpdated · ${code}: 60`);
    expect((await ops.groups()).find((g) => g.code === code)?.count).toBe(60);
    expect(pageErrors).toEqual([]);
  });

  it('edits a dead letter: shows the schema check refusing a bad edit, then replays the edited copy and keeps both bodies', async () => {
    const id = randomUUID();
    const opened = eventMessage({
      type: 'AccountOpened',
      streamId: `account-${id}`,
      streamVersion: 1,
      data: {
        id,
        name: 'Edsger',
        lastName: 'Dijkstra',
        country: 'NL',
        address: { street: '1 Gracht', city: 'Amsterdam', zip: '1011' },
        limit: 300,
        currency: 'euro',
      },
    });
    await writer.publish(QUEUE, [opened]);
    const dead = await deadLetterOf(ops, QUEUE, opened.options.messageId);
    expect(dead.errorCode).toBe('SCHEMA_VIOLATION');

    await page.goto(`${platform.url('ops')}/console#/message/${dead.id}`);
    await page.waitForSelector('#edit-body');
    const original = await page.inputValue('#edit-body');
    await page.fill('#edit-body', original.replace('"euro"', '"eur0"'));
    await page.click('#edit-retry');
    await page.waitForSelector('#edit-errors:visible');
    expect(await page.textContent('#edit-errors')).toContain('/currency');
    expect(await ops.get(`/dead-letters/${dead.id}`)).toMatchObject({ status: 'dead' });
    // The refused edit is a 400, which Chromium logs as an error, as it should: that one and no other.
    expect(pageErrors.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);

    await page.fill('#edit-body', original.replace('"euro"', '"EUR"'));
    await page.click('#edit-retry');
    await page.waitForSelector('#notice:text("the original is kept, superseded")');
    await page.waitForSelector(`#message-fields dt:text-is("Edited copy of") + dd:text-is("${dead.id}")`);
    await eventually(async () => (await fetch(`${platform.url('account')}/accounts/${id}`, asOperator())).ok, 15_000, 100);

    await page.goto(`${platform.url('ops')}/console#/message/${dead.id}`);
    await page.waitForSelector('#message-fields dt:text-is("Status") + dd:text-is("superseded")');
    expect(await page.locator('#edit-body').count()).toBe(0);
    const edit = page.locator('li.history-edit');
    expect(await edit.textContent()).toContain('edit by console-operator');
    expect(await edit.locator('pre.history-original').textContent()).toContain('"currency":"euro"');
    expect(await edit.locator('pre.history-edited').textContent()).toContain('"currency": "EUR"');
    expect(pageErrors).toEqual([]);
  });

  it('shows nothing without a token and says so', async () => {
    await page.click('#forget-token');
    await page.goto(`${platform.url('ops')}/console#/subscriptions`);
    // A fresh page: nothing shown earlier with the token may linger.
    await page.reload();
    await page.waitForSelector('#notice.error:text("Enter the operator token first")');
    expect(await page.locator('tr.subscription').count()).toBe(0);
    expect(
      (await ops.get<{ subscriptions: { name: string; status: string }[] }>('/subscriptions')).subscriptions.find((s) => s.name === QUEUE)
        ?.status,
    ).toBe('active');
  });
});
