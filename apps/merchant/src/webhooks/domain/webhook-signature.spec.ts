import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader, signatureOf, verifySignature } from './webhook-signature';

const body = JSON.stringify({ id: 'n-1', type: 'checkout.completed', data: { id: 'c-1', total: 1200 } });
const t = 1_764_000_000;

describe('webhook signature', () => {
  it('given a secret and a body, when signed, then v1 is HMAC-SHA256 over "t.body" keyed by the whole secret, in hex', () => {
    const secret = 'whsec_test';
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureOf(secret, t, body)).toBe(expected);
    expect(signatureHeader([secret], t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('given a rotation overlap, when signed, then the header carries the new signature first and the old one after', () => {
    const [fresh, old] = [newWebhookSecret(), newWebhookSecret()];
    expect(signatureHeader([fresh, old], t, body)).toBe(`t=${t},v1=${signatureOf(fresh, t, body)},v1=${signatureOf(old, t, body)}`);
    expect(verifySignature(fresh, signatureHeader([fresh, old], t, body), body, t)).toBe(true);
    expect(verifySignature(old, signatureHeader([fresh, old], t, body), body, t)).toBe(true);
  });

  it('given a signed body, when the receiver checks it, then it passes within the tolerance and fails outside it', () => {
    const secret = newWebhookSecret();
    const header = signatureHeader([secret], t, body);
    expect(verifySignature(secret, header, body, t + 300)).toBe(true);
    expect(verifySignature(secret, header, body, t + 301)).toBe(false);
    expect(verifySignature(secret, header, body, t - 301)).toBe(false);
  });

  it('given a changed body, another secret or a malformed header, when checked, then it fails', () => {
    const secret = newWebhookSecret();
    const header = signatureHeader([secret], t, body);
    expect(verifySignature(secret, header, body.replace('1200', '1201'), t)).toBe(false);
    expect(verifySignature(newWebhookSecret(), header, body, t)).toBe(false);
    expect(verifySignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, t)).toBe(false);
    expect(verifySignature(secret, 'v1=abc', body, t)).toBe(false);
  });

  it('given two new secrets, then they differ and read whsec_ and 43 base64url characters', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
