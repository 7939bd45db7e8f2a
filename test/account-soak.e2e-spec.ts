import { TestPlatform } from '@app/testing';
import { readFileSync } from 'node:fs';
import { send } from './support/http';

// CI size by default (`npm test`); `npm run test:soak` runs the full 50,000 accounts and 200,000 purchases.
const ACCOUNTS = Number(process.env.SOAK_ACCOUNTS || 5_000);
const PURCHASES = Number(process.env.SOAK_PURCHASES || 20_000);
/** Twenty memory samples over the purchases, whatever their number. */
const SAMPLE_EVERY = Math.max(1, Math.round(PURCHASES / 20));
const CONCURRENCY = 64;
const RSS_LIMIT_MB = 250;

const rssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'))!;
  return Math.round(Number(line.replace(/\D+/g, '')) / 1024);
};

/** Runs `count` tasks, CONCURRENCY at a time; `task(i)` must resolve to true when its answer was right. */
async function run(count: number, task: (i: number) => Promise<boolean>, onProgress?: (done: number) => void): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (!(await task(i))) failed++;
      if (onProgress && (i + 1) % SAMPLE_EVERY === 0) onProgress(i + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failed;
}

/**
 * Purchases over many accounts through one account process (at full size 200,000 over 50,000): its
 * resident memory stays under 250 MB and does not grow over the second half, whatever the number of ids.
 */
describe('Account memory under a soak', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account']);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it(`keeps the account process under ${RSS_LIMIT_MB} MB through ${PURCHASES} purchases over ${ACCOUNTS} accounts`, async () => {
    const url = platform.url('account');
    const pid = platform.pid('account')!;
    const started = Date.now();
    const samples: { purchases: number; rss: number }[] = [{ purchases: 0, rss: rssMb(pid) }];
    const ids: string[] = new Array(ACCOUNTS);
    const openFailures = await run(ACCOUNTS, async (i) => {
      const answer = await send<{ id: string }>(url, 'POST', '/accounts', {
        name: `Soak ${i}`,
        lastName: 'Tester',
        country: 'DE',
        address: { street: 'Weg 1', city: 'Berlin', zip: '10115' },
        limit: 1_000_000,
        currency: 'EUR',
      });
      ids[i] = answer.body?.id;
      return answer.status === 201;
    });
    expect(openFailures).toBe(0);
    samples.push({ purchases: 0, rss: rssMb(pid) });
    process.stderr.write(
      `soak: ${ACCOUNTS} accounts opened after ${Math.round((Date.now() - started) / 1000)} s, account RSS ${samples[0].rss} → ${samples[1].rss} MB\n`,
    );

    const purchaseFailures = await run(
      PURCHASES,
      async (i) => {
        const answer = await send(url, 'POST', `/accounts/${ids[i % ACCOUNTS]}/transactions`, {
          transactionId: `soak-${i}`,
          amount: 1,
          currency: 'EUR',
        });
        return answer.status === 201;
      },
      (done) => {
        samples.push({ purchases: done, rss: rssMb(pid) });
        // Progress as it happens: on a busy machine the soak takes long, and its figures matter even if it is stopped.
        process.stderr.write(
          `soak: ${done} purchases after ${Math.round((Date.now() - started) / 1000)} s, account RSS ${samples.at(-1)!.rss} MB\n`,
        );
      },
    );
    expect(purchaseFailures).toBe(0);

    const seconds = Math.round((Date.now() - started) / 1000);
    const middle = samples.find((sample) => sample.purchases >= PURCHASES / 2)!;
    const end = samples.at(-1)!;
    const secondHalf = samples.filter((sample) => sample.purchases >= PURCHASES / 2);
    console.log(
      `soak: ${ACCOUNTS} accounts, ${PURCHASES} purchases in ${seconds} s; account RSS start ${samples[0].rss} MB, ` +
        `after opening ${samples[1].rss} MB, middle ${middle.rss} MB, end ${end.rss} MB, peak ${Math.max(...samples.map((s) => s.rss))} MB`,
    );
    expect(Math.max(...samples.map((sample) => sample.rss))).toBeLessThanOrEqual(RSS_LIMIT_MB);
    // Not growing: the second half ends no higher than its middle, give or take the garbage collector's swing.
    expect(Math.max(...secondHalf.map((sample) => sample.rss))).toBeLessThanOrEqual(middle.rss * 1.15 + 10);
  }, 3_600_000);
});
