// Benchmark (not a test): N violations over M merchants through the whole pipeline on the real stack.
// Prints end-to-end throughput and publish -> sanction.imposed.v1 / notification.sent.v1 latencies.
//   npm run bench -- [violations=2000] [merchants=200] [rate=0]
// rate 0 publishes everything at once (throughput); a rate in violations/s paces publishing, so the
// latencies show processing time rather than queueing behind a burst.
import 'reflect-metadata';
import { Topics } from '@penalty/contracts';
import { aViolationEvent, PipelineStack, TopicRecorder } from '@penalty/testing';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function main(): Promise<void> {
  const violations = Number(process.argv[2] ?? 2000);
  const merchants = Number(process.argv[3] ?? 200);
  const rate = Number(process.argv[4] ?? 0);
  const stack = new PipelineStack();
  console.log(`starting the stack (real Kafka + PostgreSQL)…`);
  await stack.start();
  const recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.PenaltiesAssessedV1), stack.topic(Topics.SanctionsDecidedV1), stack.topic(Topics.NotificationsSentV1)]);
  await recorder.start();
  try {
    const publishedAt = new Map<string, number>();
    const events = Array.from({ length: violations }, (_, i) => aViolationEvent({ merchantId: `bench-m-${i % merchants}`, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' }));
    const started = Date.now();
    const chunkSize = rate > 0 ? Math.max(1, Math.round(rate / 20)) : 500;
    for (let i = 0; i < events.length; i += chunkSize) {
      const chunk = events.slice(i, i + chunkSize);
      if (rate > 0) {
        const due = started + (i / rate) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
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
    const assessedLatencies = assessed.map((m) => Date.parse(m.json!.time) - publishedAt.get(m.json!.data.violationId)!);
    // Where the second hop's time goes: scoring's outbox relay (decision -> on Kafka) vs sanction consumer (on Kafka -> decision).
    const assessedByViolation = new Map(assessed.map((m) => [m.json!.data.violationId as string, m]));
    const relayLag = sort(assessed.map((m) => m.timestamp - Date.parse(m.json!.time)));
    const sanctionConsumeLag = sort(sanctions.map((m) => { const ids: string[] = m.json!.data.cause.violationIds; return Date.parse(m.json!.time) - assessedByViolation.get(ids[ids.length - 1])!.timestamp; }));
    const seconds = (allAssessedAt - started) / 1000;
    const s = sort(sanctionLatencies);
    const n = sort(notificationLatencies);
    const a = sort(assessedLatencies);
    console.log(`violations=${violations} merchants=${merchants} rate=${rate > 0 ? `${rate}/s` : 'burst'} assessed=${assessed.length} sanctions=${sanctions.length}`);
    console.log(`end-to-end throughput: ${(violations / seconds).toFixed(1)} violations/s (all assessed after ${seconds.toFixed(2)} s)`);
    console.log(`publish -> penalty.assessed.v1   p50 ${percentile(a, 50)} ms  p99 ${percentile(a, 99)} ms  (n=${a.length})`);
    console.log(`  scoring decision -> on Kafka (outbox relay)   p50 ${percentile(relayLag, 50)} ms  p99 ${percentile(relayLag, 99)} ms`);
    console.log(`  on Kafka -> sanction decision (consumer)     p50 ${percentile(sanctionConsumeLag, 50)} ms  p99 ${percentile(sanctionConsumeLag, 99)} ms`);
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
