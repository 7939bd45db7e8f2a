import { ServiceName } from '@app/contracts';
import { TestPlatform, eventually } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { bodyOf, send } from './support/http';

const VELOCITY_MAX = 3;

interface Assessment {
  assessmentId: string;
  decision: 'approve' | 'review' | 'reject';
  score: number;
  reasons: string[];
}

/** Merchant and Fraud as real processes, with Account feeding Fraud through fraud.account-events. */
describe('Merchant and Fraud, as real processes', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'merchant', 'fraud'], { FRAUD_VELOCITY_MAX_PER_MINUTE: String(VELOCITY_MAX) });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const call = (service: ServiceName, method: string, path: string, body?: unknown) => send(platform.url(service), method, path, body);

  const onboard = async (name = 'Lovelace Books') =>
    bodyOf<{ id: string }>(
      await call('merchant', 'POST', '/merchants', {
        name,
        country: 'GB',
        bankAccount: { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'NWBKGB2L' },
      }),
      201,
    ).id;

  const openAccount = async (limit = 100_000) =>
    bodyOf<{ id: string }>(
      await call('account', 'POST', '/accounts', {
        name: 'Ada',
        lastName: 'Lovelace',
        country: 'GB',
        address: { street: '1 Analytical St', city: 'London', zip: 'N1' },
        limit,
        currency: 'EUR',
      }),
      201,
    ).id;

  const assess = async (accountId: string, merchantId: string, amount = 1_000) =>
    bodyOf<Assessment>(await call('fraud', 'POST', '/assessments', { accountId, merchantId, amount, currency: 'EUR' }), 200);

  const riskProfile = async (accountId: string) => {
    const response = await call('fraud', 'GET', `/risk-profiles/${accountId}`);
    return response.status === 200 ? (response.body as Record<string, any>) : undefined;
  };

  /** Fraud has learned of the merchant once an assessment no longer calls it unknown. */
  const fraudKnowsMerchant = (merchantId: string) =>
    eventually(async () => !(await assess(randomUUID(), merchantId)).reasons.includes('UNKNOWN_MERCHANT'));

  it('onboards a merchant, and refuses an IBAN whose checksum fails with 400 problem+json, recording nothing', async () => {
    const refused = await call('merchant', 'POST', '/merchants', {
      name: 'Typo Ltd',
      country: 'GB',
      bankAccount: { iban: 'GB82WEST12345698765431', bic: 'NWBKGB2L' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 400, code: 'INVALID_IBAN' });

    const id = await onboard();
    const badChange = await call('merchant', 'PUT', `/merchants/${id}/bank-account`, { iban: 'DE89370400440532013001', bic: 'COBADEFF' });
    expect(bodyOf(badChange, 400)).toMatchObject({ code: 'INVALID_IBAN' });
    expect(bodyOf(await call('merchant', 'GET', `/merchants/${id}`), 200)).toMatchObject({ version: 1 });
  });

  it('rejects an assessment with MERCHANT_SUSPENDED once the suspension reached fraud.merchant-events', async () => {
    const merchantId = await onboard();
    await fraudKnowsMerchant(merchantId);
    expect((await assess(randomUUID(), merchantId)).decision).toBe('approve');

    bodyOf(await call('merchant', 'POST', `/merchants/${merchantId}/suspend`, {}), 200);
    // A fresh account per probe keeps the polling itself from tripping the velocity rule.
    const rejected = await eventually(async () => {
      const assessment = await assess(randomUUID(), merchantId);
      return assessment.reasons.includes('MERCHANT_SUSPENDED') ? assessment : undefined;
    });
    expect(rejected).toMatchObject({ decision: 'reject', score: 100 });
  });

  it('rejects with ACCOUNT_LOCKED after the account is locked through Account', async () => {
    const merchantId = await onboard();
    const accountId = await openAccount();
    await fraudKnowsMerchant(merchantId);
    expect(await eventually(() => riskProfile(accountId))).toMatchObject({ status: 'active', limit: 100_000, currency: 'EUR' });
    expect(await assess(accountId, merchantId)).toMatchObject({ decision: 'approve', score: 0, reasons: [] });

    const { version } = bodyOf<{ version: number }>(await call('account', 'POST', `/accounts/${accountId}/lock`), 200);
    const locked = await eventually(async () => {
      const profile = await riskProfile(accountId);
      return profile?.version === version ? profile : undefined;
    });
    expect(locked).toMatchObject({ status: 'locked', limit: 0, vip: false });
    expect(await assess(accountId, merchantId)).toMatchObject({ decision: 'reject', reasons: ['ACCOUNT_LOCKED'] });
  });

  it(`reviews the checkout after ${VELOCITY_MAX} in a minute with VELOCITY, counting its own assessments at once`, async () => {
    const accountId = randomUUID();
    const merchantId = await onboard();
    await fraudKnowsMerchant(merchantId);
    // However the caller spells the uuid, it is one account.
    for (let i = 0; i < VELOCITY_MAX; i++)
      expect((await assess(i % 2 ? accountId.toUpperCase() : accountId, merchantId)).decision).toBe('approve');
    expect(await assess(accountId.toUpperCase(), merchantId)).toMatchObject({ decision: 'review', reasons: ['VELOCITY', 'NO_HISTORY'] });
  });

  it('assesses a checkout once: asking again for it, one by one or at once, answers the same and counts once', async () => {
    const accountId = randomUUID();
    const merchantId = await onboard();
    await fraudKnowsMerchant(merchantId);
    const checkoutId = randomUUID();
    const request = { accountId, merchantId, amount: 1_000, currency: 'EUR', checkoutId };
    const first = bodyOf<Assessment>(await call('fraud', 'POST', '/assessments', request), 200);
    const repeats = await Promise.all(
      Array.from({ length: VELOCITY_MAX + 2 }, () =>
        call('fraud', 'POST', '/assessments', request).then((r) => bodyOf<Assessment>(r, 200)),
      ),
    );
    expect(first).toMatchObject({ assessmentId: checkoutId, decision: 'approve' });
    for (const repeat of repeats) expect(repeat).toEqual(first);
    // Only one of those counts against the velocity: VELOCITY_MAX - 1 other checkouts still pass.
    for (let i = 1; i < VELOCITY_MAX; i++) expect((await assess(accountId, merchantId)).decision).toBe('approve');
    expect((await assess(accountId, merchantId)).decision).toBe('review');
    const conflicting = await call('fraud', 'POST', '/assessments', { ...request, amount: 2_000 });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ code: 'ASSESSMENT_CONFLICT' });
  });

  it('answers one checkout assessed at once for different accounts once, and refuses the others with 409, never 500', async () => {
    const merchantId = await onboard();
    await fraudKnowsMerchant(merchantId);
    const checkoutId = randomUUID();
    // Different accounts take different locks, so these race to record the one assessment of the checkout.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('fraud', 'POST', '/assessments', { accountId: randomUUID(), merchantId, amount: 1_000, currency: 'EUR', checkoutId }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((answer) => answer.status === 409)) expect(refused.body.code).toBe('ASSESSMENT_CONFLICT');
  });

  it('lets no parallel burst of one account slip under the velocity limit', async () => {
    const accountId = randomUUID();
    const merchantId = await onboard();
    await fraudKnowsMerchant(merchantId);
    const burst = await Promise.all(Array.from({ length: VELOCITY_MAX + 3 }, () => assess(accountId, merchantId)));
    const decisions = burst.map((a) => a.decision);
    expect(decisions.filter((d) => d === 'approve')).toHaveLength(VELOCITY_MAX);
    expect(decisions.filter((d) => d === 'review')).toHaveLength(3);
  });

  it('reviews a large amount soon after an address change, and an amount far above the usual', async () => {
    const merchantId = await onboard();
    const accountId = await openAccount(100_000);
    for (const amount of [1_000, 1_200, 900]) {
      bodyOf(
        await call('account', 'POST', `/accounts/${accountId}/transactions`, { transactionId: randomUUID(), amount, currency: 'EUR' }),
        201,
      );
    }
    bodyOf(await call('account', 'PUT', `/accounts/${accountId}/address`, { street: '2 Difference Rd', city: 'Leeds', zip: 'LS1' }), 200);
    const profile = await eventually(async () => {
      const learned = await riskProfile(accountId);
      return learned?.addressChangedAt && learned.purchases.count === 3 ? learned : undefined;
    });
    expect(profile).toMatchObject({ purchases: { count: 3, usualAmount: 1_000, recentAmounts: [1_000, 1_200, 900] } });
    await fraudKnowsMerchant(merchantId);

    expect(await assess(accountId, merchantId, 5_000)).toMatchObject({ decision: 'approve', reasons: [] });
    expect(await assess(accountId, merchantId, 20_000)).toMatchObject({ decision: 'review', reasons: ['UNUSUAL_AMOUNT'] });
    expect(await assess(accountId, merchantId, 60_000)).toMatchObject({
      decision: 'review',
      reasons: ['UNUSUAL_AMOUNT', 'ADDRESS_CHANGE_LARGE_AMOUNT'],
    });
  });

  it('rebuilds the risk profiles when Account rewinds fraud.account-events to 0', async () => {
    const accountId = await openAccount(40_000);
    const { version } = bodyOf<{ version: number }>(await call('account', 'POST', `/accounts/${accountId}/lock`), 200);
    const learned = await eventually(async () => {
      const profile = await riskProfile(accountId);
      return profile?.version === version ? profile : undefined;
    });
    expect(learned).toMatchObject({ status: 'locked', limit: 0 });
    // A row no event supports: a rebuild must drop it, while replayed history restores the real profile.
    const stray = randomUUID();
    const db = new Client({ connectionString: platform.databaseUrl('fraud') });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO fraud.account_profiles (account_id, status, credit_limit, currency, version) VALUES ($1, 'active', 1, 'EUR', 1)`,
        [stray],
      );
      expect(await riskProfile(stray)).toBeDefined();

      const rewound = await call('account', 'POST', '/subscriptions/fraud.account-events/rewind', { toPosition: 0 });
      expect(rewound.status).toBe(200);
      await eventually(async () => (await riskProfile(stray)) === undefined);
      const rebuilt = await eventually(async () => {
        const profile = await riskProfile(accountId);
        return profile?.version === version ? profile : undefined;
      });
      expect(rebuilt).toEqual(learned);
    } finally {
      await db.end();
    }
  });

  it('records every assessment as FraudAssessed in its own stream and relays it to ops.fraud-events', async () => {
    const accountId = randomUUID();
    const merchantId = randomUUID();
    const assessment = await assess(accountId, merchantId, 4_200);
    expect(assessment).toMatchObject({ decision: 'approve', reasons: ['NO_HISTORY', 'UNKNOWN_MERCHANT'] });

    const db = new Client({ connectionString: platform.databaseUrl('fraud') });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT type, stream_version, data FROM fraud.events WHERE stream_id = $1', [
        `assessment-${assessment.assessmentId}`,
      ]);
      expect(rows).toEqual([
        {
          type: 'FraudAssessed',
          stream_version: 1,
          data: {
            assessmentId: assessment.assessmentId,
            accountId,
            merchantId,
            amount: 4_200,
            currency: 'EUR',
            decision: 'approve',
            score: 20,
            reasons: ['NO_HISTORY', 'UNKNOWN_MERCHANT'],
          },
        },
      ]);
    } finally {
      await db.end();
    }
    const relayed = await eventually(async () => {
      const subscriptions = bodyOf<{ name: string; lagEvents: number }[]>(await call('fraud', 'GET', '/subscriptions'), 200);
      const ops = subscriptions.find((s) => s.name === 'ops.fraud-events');
      return ops?.lagEvents === 0 ? ops : undefined;
    });
    expect(relayed).toMatchObject({ name: 'ops.fraud-events', status: 'active' });
  });

  describe('answers bad input on every Fraud route with 4xx problem+json, never 5xx', () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, number, string, unknown][] = [
      ['POST', '/assessments', 400, 'VALIDATION_FAILED', { accountId: unknown, merchantId: unknown, currency: 'EUR' }],
      ['POST', '/assessments', 400, 'VALIDATION_FAILED', { accountId: 'x', merchantId: unknown, amount: 1, currency: 'EUR' }],
      ['POST', '/assessments', 400, 'VALIDATION_FAILED', { accountId: unknown, merchantId: unknown, amount: -1, currency: 'EUR' }],
      ['POST', '/assessments', 400, 'VALIDATION_FAILED', { accountId: unknown, merchantId: unknown, amount: 1.5, currency: 'EUR' }],
      ['POST', '/assessments', 400, 'VALIDATION_FAILED', { accountId: unknown, merchantId: unknown, amount: 1, currency: 'EURO' }],
      ['POST', '/assessments', 400, 'MALFORMED_JSON', '[1, 2'],
      ['GET', '/risk-profiles/not-a-uuid', 400, 'BAD_REQUEST', undefined],
      ['GET', '/risk-profiles/{unknown}', 404, 'RISK_PROFILE_NOT_FOUND', undefined],
    ];
    it.each(cases)('%s %s → %d %s, given %j', async (method, route, status, code, body) => {
      const response = await call('fraud', method, route.replace('{unknown}', unknown), body);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status, code } });
    });
  });
});
