// What one run waits for, and the latencies it reads from what arrived.
import { latency, type Latency } from './latency';
import type { EventSet } from './event-set';
import type { Publication } from './publisher';
import type { Tapped } from './topic-tap';

export interface Progress {
  label: string;
  arrived: number;
  expected: number;
}

export interface Collector {
  readonly expectedFinal: string;
  accept(m: Tapped): void;
  progress(): Progress[];
  done(): boolean;
  /** When the first hop's last expected output went to Kafka, once every one has arrived. */
  firstHopCompletedAt(): number | undefined;
  /** When the last expected output of the run went to Kafka, once every one has arrived. */
  completedAt(): number | undefined;
  /** Cumulative latencies from the publish, per hop. */
  hopLatencies(p: Publication): Latency[];
  /** Where the time goes between hops. */
  splitLatencies(p: Publication): Latency[];
}

const maxOf = (values: Iterable<number>) => { let m = -Infinity; for (const v of values) m = Math.max(m, v); return m; };

/** Systems A and B: every input event must come out of each hop's topic once. */
export class FloorCollector implements Collector {
  readonly expectedFinal = 'hop 3 output';
  private readonly arrivals: Map<string, number>[];
  private readonly ids: Set<string>;

  constructor(private readonly set: EventSet, private readonly hopTopics: string[]) {
    this.arrivals = hopTopics.map(() => new Map());
    this.ids = new Set(set.events.map((e) => e.id));
  }

  accept(m: Tapped): void {
    const hop = this.hopTopics.indexOf(m.topic);
    if (hop < 0 || !this.ids.has(m.event.id)) return;
    const seen = this.arrivals[hop].get(m.event.id);
    if (seen === undefined || m.timestamp < seen) this.arrivals[hop].set(m.event.id, m.timestamp);
  }

  progress(): Progress[] {
    return this.arrivals.map((a, i) => ({ label: `hop ${i + 1} output`, arrived: a.size, expected: this.ids.size }));
  }

  done(): boolean {
    return this.arrivals.every((a) => a.size >= this.ids.size);
  }

  firstHopCompletedAt(): number | undefined {
    return this.arrivals[0].size >= this.ids.size ? maxOf(this.arrivals[0].values()) : undefined;
  }

  completedAt(): number | undefined {
    return this.done() ? maxOf(this.arrivals.map((a) => maxOf(a.values()))) : undefined;
  }

  hopLatencies(p: Publication): Latency[] {
    return this.arrivals.map((a, i) => latency(`publish → hop ${i + 1} output`, [...a].map(([id, at]) => at - p.publishedAt.get(id)!)));
  }

  splitLatencies(p: Publication): Latency[] {
    return this.arrivals.map((a, i) => {
      const before = i === 0 ? p.publishedAt : this.arrivals[i - 1];
      return latency(i === 0 ? 'publish → hop 1 output' : `hop ${i} output → hop ${i + 1} output`, [...a].filter(([id]) => before.has(id)).map(([id, at]) => at - before.get(id)!));
    });
  }
}

interface Decision {
  /** On Kafka (producer timestamp). */
  at: number;
  /** The deciding service's event time. */
  decidedAt: number;
}

/**
 * System C: a penalty.assessed.v1 per violation, every sanction.imposed.v1 the ladder gives, and a
 * notification.sent.v1 of each of those sanctions (data.causeEventId = the sanction event's id).
 */
export class PlatformCollector implements Collector {
  readonly expectedFinal = 'notification.sent.v1 of every sanction';
  private readonly assessed = new Map<string, Decision>();
  private readonly sanctions = new Map<string, Decision & { trigger: string }>();
  private readonly notifications = new Map<string, Decision>();
  private notifiedSanctions = 0;
  /** violationId → CloudEvent id of the input (publish times are by event id). */
  private readonly inputOf = new Map<string, string>();

  constructor(private readonly set: EventSet, private readonly expectedSanctions: number) {
    for (const e of set.events) this.inputOf.set(e.data.violationId, e.id);
  }

  accept(m: Tapped): void {
    const e = m.event;
    if (typeof e.subject !== 'string' || !e.subject.startsWith(this.set.merchantPrefix)) return;
    const decision = { at: m.timestamp, decidedAt: Date.parse(e.time) };
    if (e.type === 'penalty.assessed.v1') {
      if (this.inputOf.has(e.data.violationId) && !this.assessed.has(e.data.violationId)) this.assessed.set(e.data.violationId, decision);
    } else if (e.type === 'sanction.imposed.v1') {
      const ids: string[] = e.data.cause?.violationIds ?? [];
      if (this.sanctions.has(e.id)) return;
      this.sanctions.set(e.id, { ...decision, trigger: ids[ids.length - 1] });
      if (this.notifications.has(e.id)) this.notifiedSanctions++;
    } else if (e.type === 'notification.sent.v1') {
      const cause: string = e.data.causeEventId;
      const seen = this.notifications.get(cause);
      if (seen && seen.at <= decision.at) return;
      this.notifications.set(cause, decision);
      if (!seen && this.sanctions.has(cause)) this.notifiedSanctions++;
    }
  }

  progress(): Progress[] {
    return [
      { label: 'penalty.assessed.v1', arrived: this.assessed.size, expected: this.set.events.length },
      { label: 'sanction.imposed.v1', arrived: this.sanctions.size, expected: this.expectedSanctions },
      { label: 'notification.sent.v1 of a sanction', arrived: this.notifiedSanctions, expected: this.expectedSanctions },
    ];
  }

  done(): boolean {
    return this.progress().every((p) => p.arrived >= p.expected);
  }

  firstHopCompletedAt(): number | undefined {
    return this.assessed.size >= this.set.events.length ? maxOf([...this.assessed.values()].map((d) => d.at)) : undefined;
  }

  completedAt(): number | undefined {
    if (!this.done()) return undefined;
    const notified = [...this.sanctions.keys()].map((id) => this.notifications.get(id)!.at);
    return maxOf([...[...this.assessed.values()].map((d) => d.at), ...[...this.sanctions.values()].map((d) => d.at), ...notified]);
  }

  private published(p: Publication, violationId: string | undefined): number | undefined {
    const input = violationId === undefined ? undefined : this.inputOf.get(violationId);
    return input === undefined ? undefined : p.publishedAt.get(input);
  }

  hopLatencies(p: Publication): Latency[] {
    const sanctions = [...this.sanctions.entries()];
    return [
      latency('publish → penalty.assessed.v1', [...this.assessed].map(([v, d]) => d.at - this.published(p, v)!)),
      latency('publish → sanction.imposed.v1', sanctions.map(([, s]) => s.at - this.published(p, s.trigger)!)),
      latency('publish → notification.sent.v1 of a sanction', sanctions.filter(([id]) => this.notifications.has(id)).map(([id, s]) => this.notifications.get(id)!.at - this.published(p, s.trigger)!)),
    ];
  }

  splitLatencies(p: Publication): Latency[] {
    const assessed = [...this.assessed];
    const sanctions = [...this.sanctions.entries()];
    const notified = sanctions.filter(([id]) => this.notifications.has(id)).map(([id, s]) => ({ s, n: this.notifications.get(id)! }));
    return [
      latency('publish → scoring decision (scoring consumer)', assessed.map(([v, d]) => d.decidedAt - this.published(p, v)!)),
      latency('scoring decision → on Kafka (scoring outbox)', assessed.map(([, d]) => d.at - d.decidedAt)),
      latency('on Kafka → sanction decision (sanction consumer)', sanctions.filter(([, s]) => this.assessed.has(s.trigger)).map(([, s]) => s.decidedAt - this.assessed.get(s.trigger)!.at)),
      latency('sanction decision → on Kafka (sanction outbox)', sanctions.map(([, s]) => s.at - s.decidedAt)),
      latency('on Kafka → notification decision (notification consumer)', notified.map(({ s, n }) => n.decidedAt - s.at)),
      latency('notification decision → on Kafka (notification outbox)', notified.map(({ n }) => n.at - n.decidedAt)),
    ];
  }
}
