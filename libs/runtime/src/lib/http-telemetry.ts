import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { matchRoute, type EdgeRoute } from './http-edge';
import type { PipelineMetrics } from './metrics';
import { extractTrace, isRecordingSpans, tracer, withMerchantId } from './tracing';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface HttpTelemetryOptions {
  metrics: PipelineMetrics;
  /** The routes (computed once, at the first request, when every controller is known). */
  routes: () => readonly EdgeRoute[];
}

/**
 * Installed before the HTTP edge, so every answer is seen, refusals included: counts each request and
 * its duration by method, route template and status (penalty_http_requests_total,
 * penalty_http_request_duration_seconds), and runs it in its trace context: a SERVER span continuing
 * the caller's `traceparent` when spans are recorded (not for health and metrics, which probes call
 * every few seconds), else the caller's context as received, so what the request publishes carries
 * it. A route's `merchantId` goes into the context for the logs.
 */
export function httpTelemetry(options: HttpTelemetryOptions): RequestHandler {
  let routes: readonly EdgeRoute[] | undefined;
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const target = request.originalUrl;
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const route = matchRoute((routes ??= options.routes()), request.method, path);
    // Nest's escaped colon (`violations\\:batch`) as the caller writes it.
    const template = route ? route.path.replace(/\\/g, '') : 'unmatched';
    const method = METHODS.has(request.method) ? request.method : 'OTHER';

    const traceparent = request.headers.traceparent;
    const tracestate = request.headers.tracestate;
    let ctx = context.active();
    ctx = extractTrace(typeof traceparent === 'string' ? { traceparent, ...(typeof tracestate === 'string' ? { tracestate } : {}) } : undefined, ctx) ?? ctx;
    let span: Span | undefined;
    if (isRecordingSpans() && !isOperational(template)) {
      span = tracer().startSpan(`${method} ${template}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': template, 'url.path': path } }, ctx);
      ctx = trace.setSpan(ctx, span);
    }
    const merchantId = route && paramOf(route, path, 'merchantId');
    if (merchantId) {
      ctx = withMerchantId(ctx, merchantId);
      span?.setAttribute('penalty.merchant_id', merchantId);
    }

    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      const status = String(response.statusCode);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.metrics.httpRequests.inc({ method, route: template, status });
      options.metrics.httpSeconds.observe({ method, route: template, status }, seconds);
      if (span) {
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    };
    response.once('finish', finish);
    response.once('close', finish);
    if (ctx === context.active()) return next();
    context.with(ctx, next);
  };
}

const isOperational = (template: string) => template === '/metrics' || template.startsWith('/health/');

/** A path parameter's value, percent-decoded (undefined when the route has no such parameter or it does not decode). */
function paramOf(route: EdgeRoute, path: string, name: string): string | undefined {
  const index = route.segments.findIndex((s) => s.param === name);
  if (index < 0) return undefined;
  const segment = path.split('/').filter((s) => s !== '')[index];
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
