import { failedDeliveryCursor, failedDeliveryPosition } from './failed-delivery-cursor';

describe('the cursor of failed webhook deliveries', () => {
  const position = { failedAt: '2026-12-07T15:00:00.123456Z', id: '0b3c3e4e-2a55-4a4e-9c1f-5d0f7a1b2c3d' };

  it('given a position, when encoded and decoded, then it is the same position', () => {
    const cursor = failedDeliveryCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(failedDeliveryPosition(cursor)).toEqual(position);
  });

  it.each([
    ['not base64url', 'a b'],
    ['another prefix', Buffer.from(`c1:2026-12-07T15:00:00Z|${position.id}`).toString('base64url')],
    ['no uuid', Buffer.from('f1:2026-12-07T15:00:00Z|42').toString('base64url')],
    ['no date', Buffer.from(`f1:yesterday|${position.id}`).toString('base64url')],
    ['a local time', Buffer.from(`f1:2026-12-07T15:00:00+01:00|${position.id}`).toString('base64url')],
    ['extra parts', Buffer.from(`f1:2026-12-07T15:00:00Z|${position.id}|x`).toString('base64url')],
  ])('given a cursor with %s, when decoded, then it is refused', (_, cursor) => {
    expect(failedDeliveryPosition(cursor)).toBeUndefined();
  });
});
