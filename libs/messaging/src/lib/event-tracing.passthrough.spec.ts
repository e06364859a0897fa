import { context } from '@opentelemetry/api';
import { buildCloudEvent, EventTypes, type CloudEvent } from '@penalty/contracts';
import { isRecordingSpans, merchantIdOf, startTracing, traceCarrierOf, traceContextForKey } from '@penalty/runtime';
import { traceBatch } from './event-tracing';
import type { InboundEvent } from './inbound-batch';

// Without an OTLP endpoint (this file's process): no span is made, a received context is carried on as it came.
function inbound(key: string, traceparent?: string): InboundEvent {
  const event = buildCloudEvent({ type: EventTypes.ViolationDetectedV1, source: 'listing-audit', subject: key, data: { merchantId: key } }) as CloudEvent;
  return { event, topic: 'violations.detected.v1', partition: 0, offset: '1', key, raw: Buffer.from('{}'), ...(traceparent ? { trace: { traceparent } } : {}) };
}

describe('trace context without an exporter', () => {
  beforeAll(() => startTracing('scoring-service', {}));

  it('records no span', () => {
    expect(isRecordingSpans()).toBe(false);
  });

  it('adds nothing to a batch whose events carry no trace context', () => {
    expect(traceBatch({ topic: 'violations.detected.v1', events: [inbound('m-a'), inbound('m-b')] })).toBeUndefined();
  });

  it('carries each event’s traceparent on, unchanged, to the outputs of its key; a batch of one merchant names it for the logs', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traced = traceBatch({ topic: 'violations.detected.v1', events: [inbound('m-a', traceparent), inbound('m-a')] })!;
    context.with(traced.context, () => {
      expect(traceCarrierOf(traceContextForKey('m-a'))).toEqual({ traceparent });
      expect(traceCarrierOf(traceContextForKey('m-b'))?.traceparent).toBe(traceparent);
      expect(merchantIdOf()).toBe('m-a');
    });
    traced.end();
  });
});
