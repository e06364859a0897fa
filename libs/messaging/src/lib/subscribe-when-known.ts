import type { Consumer } from 'kafkajs';

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
