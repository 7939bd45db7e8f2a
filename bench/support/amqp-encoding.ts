import { OutgoingMessage } from '@app/messaging';
import { dirname, join } from 'node:path';

/* amqplib's own frame codec, the functions its publish and its consumer's frame parser call. */
// Not in amqplib's package exports: loaded by file, from the installed package's own directory.
const lib = (file: string) => join(dirname(require.resolve('amqplib')), 'lib', file);
/* eslint-disable @typescript-eslint/no-require-imports */
const defs = require(lib('defs.js')) as {
  BasicPublish: number;
  BasicProperties: number;
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
  decode(id: number, buffer: Buffer): object;
};
const publishArgs = (require(lib('api_args.js')) as { publish(exchange: string, key: string, options: object): object }).publish;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Frame header (type, channel, size) and the header frame's class, weight and body size before its flags. */
const PROPERTIES_OFFSET = 7 + 12;

export interface EncodingCost {
  /** µs per message: options to fields (Args.publish), the basic.publish method frame and the header frame. */
  encodeUs: number;
  /** µs per message: the consumer's decoding of the header frame's properties, headers included. */
  decodeUs: number;
  /** Bytes of the header frame. */
  headerFrameBytes: number;
}

/**
 * What amqplib spends turning one message's options into frames and back, for each list of
 * `messageSets`: a tight loop over every message (its own values, not one cached shape), the sets
 * interleaved so that load from elsewhere and the JIT's warm-up hit them alike; best of `repeats`.
 */
export function amqplibEncodingCost(messageSets: readonly (readonly OutgoingMessage[])[], repeats = 10): EncodingCost[] {
  const encode = (m: OutgoingMessage) => {
    const fields = publishArgs('checkout.events', 'bench.checkout-events', m.options);
    defs.encodeMethod(defs.BasicPublish, 1, fields);
    return defs.encodeProperties(defs.BasicProperties, 1, m.content.length, fields);
  };
  const decode = (frame: Buffer) => defs.decode(defs.BasicProperties, frame.subarray(PROPERTIES_OFFSET, frame.length - 1));
  const frameSets = messageSets.map((messages) => messages.map(encode));
  const costs = messageSets.map((_, i) => ({ encodeUs: Infinity, decodeUs: Infinity, headerFrameBytes: frameSets[i][0].length }));
  for (let r = 0; r < repeats; r++) {
    messageSets.forEach((messages, i) => {
      costs[i].encodeUs = Math.min(costs[i].encodeUs, usPerItem(messages, encode));
      costs[i].decodeUs = Math.min(costs[i].decodeUs, usPerItem(frameSets[i], decode));
    });
  }
  return costs;
}

/** CPU time, not wall time: on a busy machine the loop is descheduled, and that is not the codec's cost. */
function usPerItem<T>(items: readonly T[], work: (item: T) => unknown): number {
  const start = process.cpuUsage();
  for (const item of items) work(item);
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / items.length;
}
