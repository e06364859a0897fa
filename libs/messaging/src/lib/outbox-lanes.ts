/**
 * Outbox lanes: the unit of ordering of everything a service publishes. A message's lane is the
 * Kafka partition its key goes to (murmur2, as Kafka's and kafkajs's default partitioners compute it),
 * so the consumer of one input partition writes one lane and never waits for the consumers of the
 * others. A lane's PostgreSQL advisory lock is held, from the outbox write until what was written is
 * on Kafka, by the process that leases the lane (LaneLeases) or by the writer itself (see
 * TransactionRunner): a lane's messages leave in commit order.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), on 32-bit integers. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2] << 16;
  if (rest >= 2) h ^= data[whole + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole], M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of `key` among `partitions`, as the default partitioner chooses it. */
export function partitionOfKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

/** The advisory lock key space of the schema's outbox lanes (the lane number is the second key). */
const LANE_LOCK_SPACE = `hashtext(current_schema() || ':outbox-lane')`;

/** SQL that takes (blocking) the advisory locks of `lanes` in ascending order: one round trip. */
export function lockLanesSql(lanes: Iterable<number>): string {
  return [...new Set(lanes)]
    .sort((a, b) => a - b)
    .map((lane) => `SELECT pg_advisory_lock(${LANE_LOCK_SPACE}, ${lane | 0})`)
    .join(';');
}

/** SQL that tries the advisory lock of one lane without waiting; answers `locked`. */
export const TRY_LOCK_LANE_SQL = `SELECT pg_try_advisory_lock(${LANE_LOCK_SPACE}, $1) AS locked`;

/** For each of the lanes $1 (int[]), TRY_LOCK_LANE_SQL and whether it holds rows already (`dirty`: left by a writer that crashed or could not publish). */
export const TRY_LEASE_LANES_SQL = `SELECT l AS lane, pg_try_advisory_lock(${LANE_LOCK_SPACE}, l) AS locked, EXISTS (SELECT 1 FROM outbox_message WHERE lane = l) AS dirty FROM unnest($1::int[]) AS l ORDER BY l`;

/** SQL that releases the advisory locks of the lanes $1 (int[]) held by this session. */
export const UNLOCK_LANES_SQL = `SELECT pg_advisory_unlock(${LANE_LOCK_SPACE}, l) FROM unnest($1::int[]) AS l`;
