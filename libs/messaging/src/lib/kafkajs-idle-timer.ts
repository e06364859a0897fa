/**
 * kafkajs 2.2.4 re-arms a 1 ms timer forever on every connection that has nothing pending and is not
 * throttled (RequestQueue.scheduleCheckPendingRequests schedules a check with a negative delay:
 * tulios/kafkajs#1556, #1704), so an idle service wakes ~1,000 times a second per connection. The fix
 * upstream never shipped in a release; this applies it: a check is only scheduled when a request is
 * waiting or the queue is throttled (a request that gets queued schedules one itself, and an answer
 * checks the queue again). Loaded once with the Kafka client.
 */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

let applied = false;

export function fixKafkajsIdleTimer(): void {
  if (applied) return;
  applied = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue: { prototype: RequestQueueInternals } = require('kafkajs/src/network/requestQueue');
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function') throw new Error('kafkajs RequestQueue changed: review fixKafkajsIdleTimer');
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
}
