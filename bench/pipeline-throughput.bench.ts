// Benchmark (not a test): N violations over M merchants through the whole pipeline on the real stack.
// Prints end-to-end throughput and publish -> sanction.imposed.v1 / notification.sent.v1 latencies.
//   npm run bench -- [violations=2000] [merchants=200]
import 'reflect-metadata';
import { Topics } from '@penalty/contracts';
import { aViolationEvent, PipelineStack, TopicRecorder } from '@penalty/testing';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const violations = Number(process.argv[2] ?? 2000);
  const merchants = Number(process.argv[3] ?? 200);
  const stack = new PipelineStack();
  console.log(`starting the stack (real Kafka + PostgreSQL)…`);
  await stack.start();
  const recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.PenaltiesAssessedV1), stack.topic(Topics.SanctionsDecidedV1), stack.topic(Topics.NotificationsSentV1)]);
  await recorder.start();
  try {
    const publishedAt = new Map<string, number>();
    const events = Array.from({ length: violations }, (_, i) => aViolationEvent({ merchantId: `bench-m-${i % merchants}`, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' }));
    const started = Date.now();
    for (let i = 0; i < events.length; i += 500) {
      const chunk = events.slice(i, i + 500);
      const at = Date.now();
      for (const e of chunk) publishedAt.set(e.data.violationId, at);
      await stack.publish(Topics.ViolationsDetectedV1, chunk);
    }
    const assessed = await recorder.waitFor((m) => m.json?.type === 'penalty.assessed.v1', violations, 600_000);
    const allAssessedAt = Date.now();
    // Each merchant passes min(4, violations per merchant) nodes: 12, 24, 36, 48.
    const expectedSanctions = merchants * Math.min(4, Math.floor(violations / merchants));
    const sanctions = await recorder.waitFor((m) => m.json?.type === 'sanction.imposed.v1', expectedSanctions, 600_000);
    const sanctionTrigger = new Map<string, number>();
    const sanctionLatencies = sanctions.map((m) => {
      const ids: string[] = m.json!.data.cause.violationIds;
      const trigger = publishedAt.get(ids[ids.length - 1])!;
      sanctionTrigger.set(m.json!.id, trigger);
      return Date.parse(m.json!.time) - trigger;
    });
    const notifications = await recorder.waitFor((m) => m.json?.type === 'notification.sent.v1' && sanctionTrigger.has(m.json.data.causeEventId), expectedSanctions, 600_000);
    const notificationLatencies = notifications.map((m) => Date.parse(m.json!.time) - sanctionTrigger.get(m.json!.data.causeEventId)!);
    const seconds = (allAssessedAt - started) / 1000;
    const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const s = sort(sanctionLatencies);
    const n = sort(notificationLatencies);
    console.log(`violations=${violations} merchants=${merchants} assessed=${assessed.length} sanctions=${sanctions.length}`);
    console.log(`end-to-end throughput: ${(violations / seconds).toFixed(1)} violations/s (all assessed after ${seconds.toFixed(2)} s)`);
    console.log(`publish -> sanction.imposed.v1   p50 ${percentile(s, 50)} ms  p99 ${percentile(s, 99)} ms  (n=${s.length})`);
    console.log(`publish -> notification.sent.v1  p50 ${percentile(n, 50)} ms  p99 ${percentile(n, 99)} ms  (n=${n.length})`);
  } finally {
    await recorder.stop();
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
