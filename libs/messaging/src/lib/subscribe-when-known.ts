import type { Consumer, Kafka } from 'kafkajs';

/**
 * Subscribes once every broker the consumer asks knows the topics: on a cluster, a topic created a
 * moment ago (ensureTopics saw its leaders through one broker) can still be unknown to another,
 * which answers UNKNOWN_TOPIC_OR_PARTITION, a retriable error; it is asked again for up to a minute.
 */
export async function subscribeWhenKnown(consumer: Consumer, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      return;
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * The end (next offset to be written) of each partition of `topic` that holds anything (low < high),
 * asked again for up to `timeoutMs` while the topic, created a moment ago, has no leaders known yet.
 */
export async function endOffsetsWhenKnown(kafka: Kafka, topic: string, timeoutMs: number): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
