import type { Channel, ConsumeMessage } from 'amqplib';
import { AckWindow } from './ack-window';

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;
const turn = () => new Promise((resolve) => setImmediate(resolve));

function fakeChannel() {
  const sent: string[] = [];
  const channel = {
    ack: (message: ConsumeMessage, allUpTo = false) => sent.push(`ack ${message.fields.deliveryTag}${allUpTo ? ' and before' : ''}`),
    nack: (message: ConsumeMessage) => sent.push(`nack ${message.fields.deliveryTag}`),
  } as unknown as Channel;
  return { channel, sent };
}

describe('AckWindow', () => {
  it('given deliveries acknowledged in one turn, when the turn ends, then one multiple ack covers them', async () => {
    const { channel, sent } = fakeChannel();
    const window = new AckWindow(channel);
    const messages = [1, 2, 3].map(delivery);
    messages.forEach((message) => window.received(message));
    messages.forEach((message) => window.ack(message));
    await turn();
    expect(sent).toEqual(['ack 3 and before']);
  });

  it('given an earlier delivery still in hand, when later ones are acknowledged, then they go out on their own at once', async () => {
    const { channel, sent } = fakeChannel();
    const window = new AckWindow(channel);
    const [held, second, third] = [1, 2, 3].map(delivery);
    [held, second, third].forEach((message) => window.received(message));
    window.ack(second);
    window.ack(third);
    await turn();
    expect(sent).toEqual(['ack 2', 'ack 3']);

    window.ack(held);
    await turn();
    expect(sent).toEqual(['ack 2', 'ack 3', 'ack 1 and before']);
  });

  it('given acks pending in the turn, when a later delivery is handed back, then the acks go first and it alone is requeued', async () => {
    const { channel, sent } = fakeChannel();
    const window = new AckWindow(channel);
    const [first, second, third] = [1, 2, 3].map(delivery);
    [first, second, third].forEach((message) => window.received(message));
    window.ack(first);
    window.requeue(second);
    window.ack(third);
    await turn();
    expect(sent).toEqual(['ack 1 and before', 'nack 2', 'ack 3 and before']);
  });
});
