// The per-event cost of the tracing code on the consumer path, in one process, no broker or database:
// reading the trace context of 500 consumed messages, traceBatch, and one output per event looked up
// as the outbox does (traceContextForKey + traceCarrierOf). README "Observability" quotes its figures.
//
//   node -r @swc-node/register bench/tracing-overhead.bench.ts base|off|off-traced|on
//   base: none of the tracing code; off: no exporter, no traceparent; off-traced: no exporter, every
//   message with a traceparent (carried on); on: spans recorded and handed to an exporter that drops them.
import { context } from '@opentelemetry/api';
import { buildCloudEvent, EventTypes, type CloudEvent } from '@penalty/contracts';
import { traceBatch, traceCarrierOfMessage, type InboundEvent } from '@penalty/messaging';
import { startTracing, traceCarrierOf, traceContextForKey } from '@penalty/runtime';

const mode = process.argv[2] ?? 'off';
const exporter = { export: (_s: unknown, cb: (r: { code: number }) => void) => cb({ code: 0 }), shutdown: async () => undefined };
startTracing('bench', {}, mode === 'on' ? (exporter as any) : undefined);
const traced = mode !== 'off';
const events: { headers: Record<string, Buffer>; event: CloudEvent }[] = [];
for (let i = 0; i < 500; i++) {
  const event = buildCloudEvent({ type: EventTypes.ViolationDetectedV1, source: 's', subject: `m-${i % 50}`, data: { merchantId: `m-${i % 50}` } }) as CloudEvent;
  const headers: Record<string, Buffer> = { 'content-type': Buffer.from('application/cloudevents+json') };
  if (traced) headers.traceparent = Buffer.from(`00-${(i + 1).toString(16).padStart(32, '0')}-${(i + 1).toString(16).padStart(16, '0')}-01`);
  events.push({ headers, event });
}
function once(): number {
  const inbound: InboundEvent[] = events.map(({ headers, event }) => {
    const trace = mode === 'base' ? undefined : traceCarrierOfMessage(headers, event);
    return { event, topic: 't', partition: 0, offset: '1', key: event.subject, raw: Buffer.alloc(0), ...(trace ? { trace } : {}) };
  });
  const batch = mode === 'base' ? undefined : traceBatch({ topic: 't', events: inbound });
  let n = 0;
  const work = () => {
    const ctx = context.active();
    for (const e of inbound) if (mode === 'base' ? ctx === undefined : traceCarrierOf(traceContextForKey(e.key, ctx))) n++; // one output per event
  };
  if (batch) context.with(batch.context, work);
  else work();
  batch?.end();
  return n;
}
for (let i = 0; i < 200; i++) once();
const rounds = 2000;
const start = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) once();
const perEvent = Number(process.hrtime.bigint() - start) / rounds / 500;
console.log(`${mode}: ${(perEvent / 1000).toFixed(2)} µs per event (consume + one output)`);
