// One measured run: publish an event set into a system, wait until every expected output is out (or
// give up with what arrived), and read throughput, latencies and resource use.
import type { Collector, Progress } from './run-collectors';
import type { EventSet } from './event-set';
import type { Latency } from './latency';
import { UsageMeter, loadAverage, type Subject, type UsageReport } from './process-usage';
import type { Publication, Publisher } from './publisher';
import type { TopicTap } from './topic-tap';

export type SystemName = 'A' | 'B' | 'C';

export interface RunPlan {
  system: SystemName;
  /** For the log, when not the system and the kind of run (e.g. a warm-up). */
  name?: string;
  /** 0: burst (everything at once); otherwise events/s. */
  rate: number;
  set: EventSet;
  inputTopic: string;
  collector: Collector;
  subjects: Subject[];
  /** Give up when nothing expected arrived for this long after the last publish. */
  stallMs: number;
  /** Give up after this long in all. */
  maxMs: number;
}

export interface RunResult {
  system: SystemName;
  rate: number;
  events: number;
  finished: boolean;
  /** Why the run stopped early, with what had arrived. */
  failure?: string;
  publishSeconds: number;
  /** Events per second out of the first hop (all of them), from the first publish. */
  firstHopPerSecond?: number;
  /** Events per second end to end (every expected output), from the first publish. */
  endToEndPerSecond?: number;
  /** From the last publish to the last expected output. */
  drainMs?: number;
  hops: Latency[];
  split: Latency[];
  progress: Progress[];
  usage: UsageReport;
  loadBefore: string;
}

const label = (plan: RunPlan) => plan.name ?? `${plan.system} ${plan.rate > 0 ? `paced ${plan.rate}/s` : 'burst'}`;
const describe = (progress: Progress[]) => progress.map((p) => `${p.label} ${p.arrived}/${p.expected}`).join(', ');

export async function measureRun(plan: RunPlan, tap: TopicTap, publisher: Publisher): Promise<RunResult> {
  const { collector } = plan;
  const unsubscribe = tap.subscribe((m) => collector.accept(m));
  const loadBefore = loadAverage();
  const meter = new UsageMeter(plan.subjects);
  const started = Date.now();
  meter.start();
  let failure: string | undefined;
  let publication: Publication;
  try {
    console.log(`[${label(plan)}] publishing ${plan.set.events.length} events (load average ${loadBefore})`);
    publication = await publisher.publish(plan.inputTopic, plan.set.events, plan.rate);
    let lastTotal = -1;
    let lastChange = Date.now();
    let lastReport = Date.now();
    while (!collector.done()) {
      await new Promise((r) => setTimeout(r, 50));
      const progress = collector.progress();
      const total = progress.reduce((sum, p) => sum + p.arrived, 0);
      if (total !== lastTotal) { lastTotal = total; lastChange = Date.now(); }
      if (Date.now() - lastReport > 10_000) { lastReport = Date.now(); console.log(`[${label(plan)}] ${describe(progress)}`); }
      if (Date.now() - lastChange > plan.stallMs) { failure = `nothing new for ${plan.stallMs / 1000} s; arrived: ${describe(progress)}`; break; }
      if (Date.now() - started > plan.maxMs) { failure = `not finished after ${plan.maxMs / 1000} s; arrived: ${describe(progress)}`; break; }
    }
  } catch (error) {
    meter.stop();
    throw error;
  } finally {
    unsubscribe();
  }
  const usage = meter.stop();
  const firstHopAt = collector.firstHopCompletedAt();
  const completedAt = collector.completedAt();
  const seconds = (at: number | undefined) => (at === undefined ? undefined : (at - publication.firstAt) / 1000);
  const firstHopSeconds = seconds(firstHopAt);
  const endToEndSeconds = seconds(completedAt);
  const result: RunResult = {
    system: plan.system,
    rate: plan.rate,
    events: plan.set.events.length,
    finished: failure === undefined,
    failure,
    publishSeconds: (publication.lastAt - publication.firstAt) / 1000,
    firstHopPerSecond: firstHopSeconds ? plan.set.events.length / firstHopSeconds : undefined,
    endToEndPerSecond: endToEndSeconds ? plan.set.events.length / endToEndSeconds : undefined,
    drainMs: completedAt === undefined ? undefined : completedAt - publication.lastAt,
    hops: collector.hopLatencies(publication),
    split: collector.splitLatencies(publication),
    progress: collector.progress(),
    usage,
    loadBefore,
  };
  console.log(failure ? `[${label(plan)}] DID NOT FINISH: ${failure}` : `[${label(plan)}] done: ${result.endToEndPerSecond!.toFixed(0)} events/s end to end, last output ${result.drainMs} ms after the last publish`);
  return result;
}
