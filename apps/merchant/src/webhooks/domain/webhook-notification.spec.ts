import { notificationBody, notificationIdFor } from './webhook-notification';

const facts = {
  checkoutId: '7d3c1f2e-0b9a-4c8d-9e7f-6a5b4c3d2e1f',
  total: 1200,
  currency: 'EUR',
  items: [{ sku: 'A', quantity: 2, unitPrice: 600 }],
  createdAt: '2026-12-07T12:00:00.000Z',
};
const at = '2026-12-07T12:00:01.000Z';

describe('webhook notification', () => {
  it('given an event and an endpoint, then the notification id is stable and differs per endpoint', () => {
    const id = notificationIdFor('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222');
    expect(id).toBe(notificationIdFor('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(notificationIdFor('11111111-1111-4111-8111-111111111111', '33333333-3333-4333-8333-333333333333'));
  });

  it('given a fraud rejection, then the body carries the public code only, never the internal reason', () => {
    const body = notificationBody('n-1', { event: 'CheckoutRejected', reason: 'FRAUD_REJECTED' }, facts, at);
    expect(JSON.parse(body)).toEqual({
      id: 'n-1',
      type: 'checkout.rejected',
      createdAt: at,
      data: {
        id: facts.checkoutId,
        status: 'rejected',
        total: 1200,
        currency: 'EUR',
        items: facts.items,
        createdAt: facts.createdAt,
        updatedAt: at,
        outcome: { code: 'declined' },
      },
    });
    expect(body).not.toContain('FRAUD');
  });

  it('given each checkout event, then it maps to its notification type and status', () => {
    const typeOf = (change: Parameters<typeof notificationBody>[1]) =>
      JSON.parse(notificationBody('n', change, facts, at)) as { type: string; data: { status: string; outcome: { code: string } } };
    expect(typeOf({ event: 'CheckoutStarted' })).toMatchObject({
      type: 'checkout.pending',
      data: { status: 'pending', outcome: { code: 'processing' } },
    });
    expect(typeOf({ event: 'CheckoutCompleted' })).toMatchObject({
      type: 'checkout.completed',
      data: { status: 'completed', outcome: { code: 'succeeded' } },
    });
    expect(typeOf({ event: 'CheckoutCompensated', reason: 'CAPTURE_FAILED' })).toMatchObject({
      type: 'checkout.compensated',
      data: { outcome: { code: 'provider_unavailable' } },
    });
    expect(typeOf({ event: 'CheckoutRejected', reason: 'SOMETHING_NEW' })).toMatchObject({
      data: { outcome: { code: 'processing_error' } },
    });
  });
});
