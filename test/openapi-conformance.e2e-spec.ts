import { TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Answer, send } from './support/http';
import { OpenApiConformance } from './support/openapi-conformance';

/** The OpenAPI document tells the truth: every answer below, good or bad, matches what the document says. */
describe('OpenAPI conformance, as a real process', () => {
  let platform: TestPlatform;
  let conformance: OpenApiConformance;
  let merchantConformance: OpenApiConformance;
  let document: any;
  const problems: string[] = [];

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'merchant']);
    document = (await send(platform.url('account'), 'GET', '/docs-json')).body;
    conformance = new OpenApiConformance(document);
    merchantConformance = new OpenApiConformance((await send(platform.url('merchant'), 'GET', '/docs-json')).body);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  /** Calls `base` and records, in `found`, whatever in the answer its document does not say. */
  const checked =
    (base: () => string, against: () => OpenApiConformance, found: string[]) =>
    async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const answer = await send(base(), method, path, body);
      found.push(...against().check(method, path, answer));
      return answer;
    };
  const account = checked(
    () => platform.url('account'),
    () => conformance,
    problems,
  );

  it('defines the bearer scheme and the problem schema, and asks for the credential on every non-public route', () => {
    expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const operation of Object.values(item)) {
        if (/^\/(health|metrics|docs)/.test(path)) continue;
        expect({ path, security: operation.security, has401: '401' in operation.responses }).toEqual({
          path,
          security: [{ bearer: [] }],
          has401: true,
        });
      }
    }
  });

  it("answers only what the account service's document says, for good and bad requests alike", async () => {
    const opened = await account('POST', '/accounts', {
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: { street: '1 St James', city: 'London', zip: 'SW1' },
      limit: 700,
      currency: 'EUR',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    await account('POST', '/accounts', { name: 'Ada' });
    await account('POST', '/accounts', {
      name: 'Ada',
      lastName: 'L',
      country: 'GB',
      address: { street: 's', city: 'c', zip: 'z' },
      limit: 10 ** 12,
      currency: 'EUR',
    });
    await account('GET', `/accounts/${randomUUID()}`);
    await account('GET', '/accounts/not-a-uuid');
    await account('GET', `/accounts/${id}/events`);
    await account('GET', `/accounts/${randomUUID()}/events`);
    await account('PUT', `/accounts/${id}/limit`, { limit: 10 ** 12 });
    await account('PUT', `/accounts/${id}/limit`, { limit: 'lots' });
    await account('POST', `/accounts/${id}/transactions`, { transactionId: 't-1', amount: 500, currency: 'EUR' });
    await account('POST', `/accounts/${id}/transactions`, { transactionId: 't-2', amount: 700, currency: 'EUR' });
    await account('POST', `/accounts/${id}/transactions`, { transactionId: 't-3', amount: 5, currency: 'USD' });
    await account('POST', `/accounts/${id}/transactions/t-9/refund`);
    await account('POST', `/accounts/${id}/transactions/t-1/refund`);
    await account('POST', `/accounts/${id}/transactions/t-1/refund`);
    await account('POST', `/accounts/${id}/lock`);
    await account('PUT', `/accounts/${id}/limit`, { limit: 100 });
    await account('POST', `/accounts/${randomUUID()}/unlock`);
    await account('GET', '/stats/countries');
    expect(problems).toEqual([]);
  });

  it("answers only what the merchant service's document says", async () => {
    const found: string[] = [];
    const merchant = checked(
      () => platform.url('merchant'),
      () => merchantConformance,
      found,
    );
    const bankAccount = { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' };
    const onboarded = await merchant('POST', '/merchants', { name: 'Lovelace Books', country: 'GB', bankAccount });
    expect(onboarded.status).toBe(201);
    const id = onboarded.body.id;
    await merchant('POST', '/merchants', {
      name: 'Lovelace Books',
      country: 'GB',
      bankAccount: { iban: 'GB00WEST12345698765432', bic: 'NWBKGB2L' },
    });
    await merchant('POST', '/merchants', { name: '' });
    await merchant('GET', `/merchants/${id}`);
    await merchant('GET', `/merchants/${randomUUID()}`);
    await merchant('GET', '/merchants/not-a-uuid');
    await merchant('PUT', `/merchants/${id}/bank-account`, { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    await merchant('POST', `/merchants/${id}/suspend`, { reason: 'chargebacks' });
    await merchant('POST', `/merchants/${id}/reinstate`);
    await merchant('GET', `/merchants/${id}/sales`);
    await merchant('GET', `/merchants/${randomUUID()}/sales`);
    expect(found).toEqual([]);
  });
});
