import { TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Answer, call } from './support/http';
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
    document = (await call(platform.url('account'), 'GET', '/docs-json')).body;
    conformance = new OpenApiConformance(document);
    merchantConformance = new OpenApiConformance((await call(platform.url('merchant'), 'GET', '/docs-json')).body);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const answer = await call(platform.url('account'), method, path, { body });
    problems.push(...conformance.check(method, path, answer));
    return answer;
  };

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
    const opened = await send('POST', '/accounts', {
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: { street: '1 St James', city: 'London', zip: 'SW1' },
      limit: 700,
      currency: 'EUR',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    await send('POST', '/accounts', { name: 'Ada' });
    await send('POST', '/accounts', {
      name: 'Ada',
      lastName: 'L',
      country: 'GB',
      address: { street: 's', city: 'c', zip: 'z' },
      limit: 10 ** 12,
      currency: 'EUR',
    });
    await send('GET', `/accounts/${randomUUID()}`);
    await send('GET', '/accounts/not-a-uuid');
    await send('GET', `/accounts/${id}/events`);
    await send('GET', `/accounts/${randomUUID()}/events`);
    await send('PUT', `/accounts/${id}/limit`, { limit: 10 ** 12 });
    await send('PUT', `/accounts/${id}/limit`, { limit: 'lots' });
    await send('POST', `/accounts/${id}/transactions`, { transactionId: 't-1', amount: 500, currency: 'EUR' });
    await send('POST', `/accounts/${id}/transactions`, { transactionId: 't-2', amount: 700, currency: 'EUR' });
    await send('POST', `/accounts/${id}/transactions`, { transactionId: 't-3', amount: 5, currency: 'USD' });
    await send('POST', `/accounts/${id}/transactions/t-9/refund`);
    await send('POST', `/accounts/${id}/transactions/t-1/refund`);
    await send('POST', `/accounts/${id}/transactions/t-1/refund`);
    await send('POST', `/accounts/${id}/lock`);
    await send('PUT', `/accounts/${id}/limit`, { limit: 100 });
    await send('POST', `/accounts/${randomUUID()}/unlock`);
    await send('GET', '/stats/countries');
    expect(problems).toEqual([]);
  });

  it("answers only what the merchant service's document says", async () => {
    const found: string[] = [];
    const send = async (method: string, path: string, body?: unknown) => {
      const answer = await call(platform.url('merchant'), method, path, { body });
      found.push(...merchantConformance.check(method, path, answer));
      return answer;
    };
    const bankAccount = { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' };
    const onboarded = await send('POST', '/merchants', { name: 'Lovelace Books', country: 'GB', bankAccount });
    expect(onboarded.status).toBe(201);
    const id = onboarded.body.id;
    await send('POST', '/merchants', {
      name: 'Lovelace Books',
      country: 'GB',
      bankAccount: { iban: 'GB00WEST12345698765432', bic: 'NWBKGB2L' },
    });
    await send('POST', '/merchants', { name: '' });
    await send('GET', `/merchants/${id}`);
    await send('GET', `/merchants/${randomUUID()}`);
    await send('GET', '/merchants/not-a-uuid');
    await send('PUT', `/merchants/${id}/bank-account`, { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    await send('POST', `/merchants/${id}/suspend`, { reason: 'chargebacks' });
    await send('POST', `/merchants/${id}/reinstate`);
    await send('GET', `/merchants/${id}/sales`);
    await send('GET', `/merchants/${randomUUID()}/sales`);
    expect(found).toEqual([]);
  });
});
