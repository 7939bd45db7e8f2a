import { accountApplication } from '@app/testing';
import { accountService } from './support/account-service';

interface AccountRead {
  status: string;
  limit: number;
  vip: boolean;
  version: number;
}

const CYCLES = 200;

/**
 * A command's events appear in a read model together: LockAccount appends LimitChanged,
 * StatusChanged and VipStatusRevoked in one transaction, and Account's own consumer applies them
 * in one, so a reader polling GET /accounts/:id never sees a state that no command produced.
 */
describe("Account's read model shows whole commands only", () => {
  const { account } = accountService();

  it(`never shows part of a lock while a VIP account is locked and unlocked ${CYCLES} times`, async () => {
    const opened = await account('POST', '/accounts', accountApplication({ limit: 1_000 }));
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    // The versions at which a command ended: the only ones a reader may see.
    const commandEnds = new Set<number>([1]);
    const command = async (method: string, path: string, body?: unknown) => {
      const answer = await account(method, path, body);
      expect(answer.status).toBe(200);
      commandEnds.add(answer.body.version as number);
    };

    const reads: AccountRead[] = [];
    let commanding = true;
    const poller = (async () => {
      while (commanding) {
        const read = await account('GET', `/accounts/${id}`);
        if (read.status === 200) reads.push(read.body as AccountRead);
      }
    })();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await command('PUT', `/accounts/${id}/limit`, { limit: 1_000 });
      await command('POST', `/accounts/${id}/vip`);
      await command('POST', `/accounts/${id}/lock`);
      await command('POST', `/accounts/${id}/unlock`);
    }
    commanding = false;
    await poller;

    // Every state a command leaves: opened or limit set, VIP granted, locked, unlocked.
    const whole = new Set(['active/1000/false', 'active/1000/true', 'locked/0/false', 'active/0/false']);
    const mixed = reads.filter((read) => !whole.has(`${read.status}/${read.limit}/${read.vip}`) || !commandEnds.has(read.version));
    const locked = reads.filter((read) => read.status === 'locked').length;
    console.log(`${reads.length} reads during ${CYCLES} lock cycles, ${locked} of them locked, ${mixed.length} mixed`);
    expect(reads.length).toBeGreaterThan(CYCLES);
    expect(locked).toBeGreaterThan(0);
    expect(mixed.slice(0, 5)).toEqual([]);
  });
});
