import { eventually, freePort, testAmqpUrl } from '@app/testing';
import { once } from 'node:events';
import { Server, Socket, connect, createServer } from 'node:net';
import { AmqpConnection, brokerNodeUrls } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';

/** A TCP hop in front of the broker that can die like a node does: every connection cut at once. */
class DyingNode {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: URL): Promise<DyingNode> {
    const server = createServer();
    const node: DyingNode = new DyingNode(server, await freePort());
    server.on('connection', (client) => {
      const upstream = connect(Number(target.port || 5672), target.hostname);
      for (const socket of [client, upstream]) {
        node.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => node.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(node.port, '127.0.0.1');
    await once(server, 'listening');
    return node;
  }

  kill(): void {
    this.server.close();
    this.sockets.forEach((socket) => socket.destroy());
  }
}

const nodeUrl = (port: number) => {
  const url = new URL(testAmqpUrl());
  url.port = String(port);
  return url.toString().replace(/\/$/, '');
};

describe('AmqpConnection over several nodes', () => {
  it("reads a comma-separated AMQP_URL as the list of a cluster's nodes", () => {
    expect(brokerNodeUrls('amqp://a:5672, amqp://b:5672,,amqp://c:5672')).toEqual(['amqp://a:5672', 'amqp://b:5672', 'amqp://c:5672']);
    expect(() => brokerNodeUrls(' , ')).toThrow('AMQP_URL names no broker node');
  });

  it('skips a dead node, and when its node dies moves to a live one, re-running its setup and publishing again', async () => {
    const refused = await freePort();
    const first = await DyingNode.start(new URL(testAmqpUrl()));
    const second = await DyingNode.start(new URL(testAmqpUrl()));
    const connection = new AmqpConnection({ url: [refused, first.port, second.port].map(nodeUrl).join(','), name: 'failover-spec' });
    const setups: string[] = [];
    await connection.onConnected(async () => void setups.push(connection.node!));
    const publisher = new ConfirmPublisher(connection);
    try {
      await connection.start();
      expect(connection.node).not.toBe(`127.0.0.1:${refused}`);
      const queue = `failover-${Date.now()}`;
      await connection
        .current()
        .createChannel()
        .then((channel) => channel.assertQueue(queue, { autoDelete: false }).finally(() => channel.close()));
      await publisher.publish(queue, [{ content: Buffer.from('before'), options: { messageId: 'before' } }]);

      const dying = connection.node === `127.0.0.1:${first.port}` ? first : second;
      const survivor = dying === first ? second : first;
      dying.kill();
      await eventually(() => connection.node === `127.0.0.1:${survivor.port}`, 15_000);
      await publisher.publish(queue, [{ content: Buffer.from('after'), options: { messageId: 'after' } }]);

      expect(setups).toHaveLength(2);
      expect(setups[1]).toBe(`127.0.0.1:${survivor.port}`);
      const channel = await connection.current().createChannel();
      expect((await channel.checkQueue(queue)).messageCount).toBe(2);
      await channel.deleteQueue(queue);
      await channel.close();
    } finally {
      await publisher.close();
      await connection.close();
      first.kill();
      second.kill();
    }
  });
});
