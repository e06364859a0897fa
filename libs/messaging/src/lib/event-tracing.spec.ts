import { context } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { buildCloudEvent, EventTypes, type CloudEvent } from '@penalty/contracts';
import { flushTracing, startTracing, traceCarrierOf, traceContextForKey } from '@penalty/runtime';
import { traceBatch, traceCarrierOfMessage } from './event-tracing';
import type { InboundBatch, InboundEvent } from './inbound-batch';
import { eventEntry, withTraceAttributes } from './outbox';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentOf = (traceId: string, spanId = 'b7ad6b7169203331') => `00-${traceId}-${spanId}-01`;

function inbound(key: string, trace?: string): InboundEvent {
  const event = buildCloudEvent({ type: EventTypes.ViolationDetectedV1, source: 'listing-audit', subject: key, data: { merchantId: key } }) as CloudEvent;
  return { event, topic: 'violations.detected.v1', partition: 0, offset: '7', key, raw: Buffer.from('{}'), ...(trace ? { trace: { traceparent: trace } } : {}) };
}

const batchOf = (...events: InboundEvent[]): InboundBatch => ({ topic: 'violations.detected.v1', events });

describe('trace context of consumed and published events', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing('scoring-service', {}, exporter));
  beforeEach(() => exporter.reset());

  it('reads the Kafka traceparent header first, else the CloudEvent attribute', () => {
    expect(traceCarrierOfMessage({ traceparent: Buffer.from(parentOf(TRACE_A)), tracestate: Buffer.from('v=1') }, { traceparent: parentOf(TRACE_B) })).toEqual({ traceparent: parentOf(TRACE_A), tracestate: 'v=1' });
    expect(traceCarrierOfMessage({ 'content-type': Buffer.from('application/cloudevents+json') }, { traceparent: parentOf(TRACE_B) })).toEqual({ traceparent: parentOf(TRACE_B) });
    expect(traceCarrierOfMessage(undefined, {})).toBeUndefined();
  });

  it('makes a CONSUMER span per event continuing its trace; outputs of a key carry the span of that key’s event', async () => {
    const traced = traceBatch(batchOf(inbound('m-a', parentOf(TRACE_A)), inbound('m-b', parentOf(TRACE_B)), inbound('m-c')))!;
    const outputs = context.with(traced.context, () => ['m-a', 'm-b', 'm-c', 'elsewhere'].map((key) => traceCarrierOf(traceContextForKey(key))?.traceparent));
    traced.end();
    await flushTracing();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.kind, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
      ['violations.detected.v1 process', 4, TRACE_A, 'b7ad6b7169203331'],
      ['violations.detected.v1 process', 4, TRACE_B, 'b7ad6b7169203331'],
      // An event without a trace context starts one.
      ['violations.detected.v1 process', 4, expect.stringMatching(/^[0-9a-f]{32}$/), undefined],
    ]);
    expect(outputs).toEqual([
      `00-${TRACE_A}-${spans[0].spanContext().spanId}-01`,
      `00-${TRACE_B}-${spans[1].spanContext().spanId}-01`,
      `00-${spans[2].spanContext().traceId}-${spans[2].spanContext().spanId}-01`,
      // A key no event of the batch had: the batch has no single trace to give it.
      undefined,
    ]);
    expect(spans[0].attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'violations.detected.v1', 'penalty.merchant_id': 'm-a' });
  });

  it('marks the spans of a batch that failed', async () => {
    const traced = traceBatch(batchOf(inbound('m-a', parentOf(TRACE_A))))!;
    traced.end(new Error('database unavailable'));
    await flushTracing();
    expect(exporter.getFinishedSpans()[0].status).toEqual({ code: 2, message: 'database unavailable' });
  });

  it('writes the trace context as the CloudEvent attribute and as Kafka headers of an outbox entry', () => {
    const event = buildCloudEvent({ type: EventTypes.PenaltyAssessedV1, source: 'penalty-scoring', subject: 'm-a', data: { merchantId: 'm-a' } });
    const traced = eventEntry('penalties.assessed.v1', event, { traceparent: parentOf(TRACE_A), tracestate: 'v=1' });
    expect(traced.headers).toEqual({ 'content-type': 'application/cloudevents+json', traceparent: parentOf(TRACE_A), tracestate: 'v=1' });
    expect(JSON.parse(traced.value)).toMatchObject({ id: event.id, traceparent: parentOf(TRACE_A), tracestate: 'v=1' });
    const plain = eventEntry('penalties.assessed.v1', event);
    expect(plain.headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    expect(JSON.parse(plain.value)).not.toHaveProperty('traceparent');
    // A received event's own tracing attributes are replaced by the request's (its tracestate went with its traceparent).
    const received = JSON.stringify({ id: 'e1', traceparent: parentOf(TRACE_B), tracestate: 'old=1', data: { a: 1 } });
    expect(JSON.parse(withTraceAttributes(received, { traceparent: parentOf(TRACE_A) }))).toEqual({ id: 'e1', traceparent: parentOf(TRACE_A), data: { a: 1 } });
  });

  it('never takes an event over the contract’s 256 KiB with the attributes: the headers alone carry the trace then', () => {
    // 20 bytes under the limit: accepted at intake, and the attribute (~70 bytes) would not fit.
    const body = JSON.stringify({ id: 'e1', data: { description: '' } });
    const nearLimit = JSON.stringify({ id: 'e1', data: { description: 'x'.repeat(262_144 - 20 - body.length) } });
    expect(withTraceAttributes(nearLimit, { traceparent: parentOf(TRACE_A) })).toBe(nearLimit);
    const event = buildCloudEvent({ type: EventTypes.PenaltyAssessedV1, source: 'penalty-scoring', subject: 'm-a', data: { merchantId: 'm-a', note: '' } });
    event.data.note = 'x'.repeat(262_144 - 20 - JSON.stringify(event).length);
    expect(Buffer.byteLength(JSON.stringify(event))).toBe(262_124);
    const entry = eventEntry('penalties.assessed.v1', event, { traceparent: parentOf(TRACE_A) });
    expect(entry.value).toBe(JSON.stringify(event));
    expect(JSON.parse(entry.value)).not.toHaveProperty('traceparent');
    expect(entry.headers?.traceparent).toBe(parentOf(TRACE_A));
  });
});
