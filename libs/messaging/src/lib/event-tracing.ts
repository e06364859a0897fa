import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { extractTrace, isRecordingSpans, tracer, withContextByKey, withMerchantId, type TraceCarrier } from '@penalty/runtime';
import type { InboundBatch, InboundEvent } from './inbound-batch';

/** The trace context a consumed message carries: its Kafka `traceparent` header, else its CloudEvent `traceparent` attribute. */
export function traceCarrierOfMessage(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined, event: TraceCarrier): TraceCarrier | undefined {
  const header = headers?.traceparent;
  if (header !== undefined) {
    const state = headers!.tracestate;
    const text = (value: Buffer | string | (Buffer | string)[]) => (Array.isArray(value) ? String(value[0]) : value.toString());
    return { traceparent: text(header), ...(state !== undefined ? { tracestate: text(state) } : {}) };
  }
  return event.traceparent ? { traceparent: event.traceparent, ...(event.tracestate ? { tracestate: event.tracestate } : {}) } : undefined;
}

/** A consumed batch's tracing while it is applied: the context to apply it in, and the end of its spans. */
export interface TracedBatch {
  readonly context: Context;
  end(error?: unknown): void;
}

/**
 * One CONSUMER span per event of the batch, each continuing its event's trace (a root span when the
 * event carries none), so that what the batch publishes for a merchant carries the trace of that
 * merchant's event (traceContextForKey; when one batch holds several traced events of one merchant,
 * its outputs for that merchant follow the last of them that carried one). Without an exporter no span is made: an
 * event's received context is carried on as it is. Undefined when there is nothing to trace (no
 * exporter and no event with a traceparent): then applying the batch costs nothing more.
 */
export function traceBatch(batch: InboundBatch): TracedBatch | undefined {
  const recording = isRecordingSpans();
  if (!recording && !batch.events.some((e) => e.trace)) return undefined;
  const byKey = new Map<string, Context>();
  const spans: Span[] = [];
  for (const inbound of batch.events) {
    const parent = extractTrace(inbound.trace);
    if (recording) {
      const span = tracer().startSpan(`${batch.topic} process`, { kind: SpanKind.CONSUMER, attributes: eventAttributes(inbound) }, parent ?? ROOT_CONTEXT);
      spans.push(span);
      // A received trace is not displaced by a later event of the key that started its own.
      if (parent || !byKey.has(inbound.key)) byKey.set(inbound.key, trace.setSpan(parent ?? ROOT_CONTEXT, span));
    } else if (parent) {
      byKey.set(inbound.key, parent);
    }
  }
  // Logs written while the batch is applied carry its merchant and trace when it has only one.
  const keys = new Set(batch.events.map((e) => e.key));
  let active = context.active();
  if (keys.size === 1) {
    const [key] = keys;
    active = withMerchantId(byKey.get(key) ?? active, key);
  }
  return {
    context: withContextByKey(active, byKey),
    end: (error?: unknown) => {
      for (const span of spans) {
        if (error !== undefined) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        span.end();
      }
    },
  };
}

function eventAttributes(inbound: InboundEvent): Record<string, string | number> {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': inbound.topic,
    'messaging.destination.partition.id': String(inbound.partition),
    'messaging.kafka.offset': Number(inbound.offset),
    'messaging.kafka.message.key': inbound.key,
    'messaging.message.id': inbound.event.id,
    'cloudevents.event_id': inbound.event.id,
    'cloudevents.event_type': inbound.event.type,
    'penalty.merchant_id': inbound.key,
  };
}
