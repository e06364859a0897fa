import { context, createContextKey, isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/** The W3C Trace Context fields, as a Kafka header, an HTTP header and the CloudEvents distributed-tracing extension carry them. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/** The instrumentation scope of every span the platform makes. */
export const TRACER_NAME = 'penalty-platform';

/** The merchant a unit of work is about (an HTTP route's merchantId, a consumed batch of one merchant), for the logs. */
const MERCHANT_ID = createContextKey('penalty.merchant_id');

/** Per message key, the trace context of the consumed event(s) of that key in the batch being applied (see tracedBatch). */
const CONTEXT_BY_KEY = createContextKey('penalty.context_by_key');

let started = false;
let recording = false;
let provider: NodeTracerProvider | undefined;

/**
 * Sets up tracing for the process, once, before the app is created. Always: W3C Trace Context
 * propagation and an AsyncLocalStorage context, so that a traceparent received (HTTP header, Kafka
 * header, CloudEvent attribute) is carried on to what the service publishes as a consequence, as the
 * contract requires, even with no exporter. Spans are recorded and exported over OTLP (http/protobuf)
 * only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set (or, in tests,
 * an exporter is given): otherwise no span is made at all, and the only per-event work is reading one
 * header. Once per process: later calls change nothing.
 */
export function startTracing(serviceName: string, env: Record<string, string | undefined> = process.env, exporter?: SpanExporter): { recording: boolean } {
  if (!started) {
    started = true;
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    if (exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
      // The exporter reads its endpoint, headers, timeout and compression from the OTEL_EXPORTER_OTLP_* variables;
      // the batch processor its delay and sizes from OTEL_BSP_*.
      provider = new NodeTracerProvider({
        resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || serviceName }),
        spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter())],
      });
      trace.setGlobalTracerProvider(provider);
      recording = true;
    }
  }
  return { recording };
}

/** Flushes the spans not yet exported and stops exporting (at shutdown). */
export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
}

/** Exports the spans ended so far (tests). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** True when spans are recorded and exported (startTracing found an OTLP endpoint). */
export function isRecordingSpans(): boolean {
  return recording;
}

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** The context a carrier continues (its remote span context), or undefined when it holds no valid traceparent. */
export function extractTrace(carrier: TraceCarrier | undefined, base: Context = ROOT_CONTEXT): Context | undefined {
  if (!carrier?.traceparent) return undefined;
  const extracted = propagation.extract(base, carrier);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && isSpanContextValid(spanContext) ? extracted : undefined;
}

/** The traceparent (and tracestate) of a context's span, or undefined when it has none. */
export function traceCarrierOf(ctx: Context = context.active()): TraceCarrier | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** `ctx` with the merchant a unit of work is about (read by the logs). */
export function withMerchantId(ctx: Context, merchantId: string): Context {
  return ctx.setValue(MERCHANT_ID, merchantId);
}

export function merchantIdOf(ctx: Context = context.active()): string | undefined {
  return ctx.getValue(MERCHANT_ID) as string | undefined;
}

/** `ctx` with the trace context of each message key of a consumed batch (what its outputs of that key continue). */
export function withContextByKey(ctx: Context, byKey: ReadonlyMap<string, Context>): Context {
  return ctx.setValue(CONTEXT_BY_KEY, byKey);
}

/**
 * The trace context an output keyed `key` continues: the consumed event of that key in the batch being
 * applied (a batch mixes merchants, and each merchant's outputs follow that merchant's event), else
 * the active context (an HTTP request's span).
 */
export function traceContextForKey(key: string, ctx: Context = context.active()): Context {
  const byKey = ctx.getValue(CONTEXT_BY_KEY) as ReadonlyMap<string, Context> | undefined;
  return byKey?.get(key) ?? ctx;
}
