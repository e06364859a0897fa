import { randomBytes } from 'node:crypto';
import { lockLanesSql, murmur2, partitionOfKey } from './outbox-lanes';

// kafkajs's own implementation (Java-compatible), the reference the lanes must agree with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2: (key: Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2');

describe('outbox lanes', () => {
  it('hash keys exactly as Kafka and kafkajs partition them', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'm-10001', 'bench-m-1999', '商户-一', ...Array.from({ length: 500 }, () => randomBytes(1 + (randomBytes(1)[0] % 40)).toString('base64'))];
    for (const key of keys) expect(murmur2(Buffer.from(key))).toBe(kafkajsMurmur2(Buffer.from(key)));
  });

  it('are the partition a key goes to', () => {
    // As kafkajs's DefaultPartitioner chooses it: toPositive(murmur2(key)) % partitions.
    for (const key of ['m-1', 'm-2', 'merchant-42']) expect(partitionOfKey(key, 6)).toBe((kafkajsMurmur2(Buffer.from(key)) & 0x7fffffff) % 6);
    expect(new Set(Array.from({ length: 200 }, (_, i) => partitionOfKey(`m-${i}`, 6)))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });

  it('are locked in ascending order, once each', () => {
    expect(lockLanesSql([3, 1, 3, 0])).toBe(
      [0, 1, 3].map((lane) => `SELECT pg_advisory_lock(hashtext(current_schema() || ':outbox-lane'), ${lane})`).join(';'),
    );
  });
});
