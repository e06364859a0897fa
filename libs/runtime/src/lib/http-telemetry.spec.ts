import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import express from 'express';
import { httpTelemetry } from './http-telemetry';
import { PipelineMetrics } from './metrics';
import { flushTracing, merchantIdOf, startTracing, traceCarrierOf } from './tracing';
import type { EdgeRoute } from './http-edge';
import { templateSegments } from './hostile-input';

const route = (method: string, path: string, isPublic = false): EdgeRoute => ({ method, path, segments: templateSegments(path), isPublic, controller: class {}, handler: () => undefined });

describe('httpTelemetry (spans recorded)', () => {
  const exporter = new InMemorySpanExporter();
  const metrics = new PipelineMetrics('api');
  /** What the handler saw of the trace context. */
  const seen: { traceparent?: string; merchantId?: string }[] = [];
  let base = '';
  let close: () => void;

  beforeAll(async () => {
    startTracing('api', {}, exporter);
    const app = express();
    app.use(httpTelemetry({ metrics, routes: () => [route('GET', '/v1/merchants/:merchantId/standing'), route('POST', '/v1/violations'), route('POST', '/v1/violations\\:batch'), route('GET', '/health/live', true)] }));
    const handler = (status: number) => (_req: express.Request, res: express.Response) => {
      // Asynchronously, as a Nest handler answers: the context survives the await.
      void Promise.resolve().then(() => {
        seen.push({ traceparent: traceCarrierOf()?.traceparent, merchantId: merchantIdOf() });
        res.status(status).end();
      });
    };
    app.get('/v1/merchants/:merchantId/standing', handler(200));
    app.post('/v1/violations', handler(503));
    app.post('/v1/violations\\:batch', handler(200));
    app.get('/health/live', handler(200));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });

  afterAll(() => close());

  it('makes a SERVER span continuing the caller’s traceparent, named by the route template, with the status', async () => {
    seen.length = 0;
    exporter.reset();
    const response = await fetch(`${base}/v1/merchants/m%2D7/standing`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(response.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const [span] = await flushed(exporter);
    expect(span.name).toBe('GET /v1/merchants/:merchantId/standing');
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.attributes).toMatchObject({ 'http.route': '/v1/merchants/:merchantId/standing', 'http.response.status_code': 200, 'penalty.merchant_id': 'm-7' });
    // The handler ran in the span: what it publishes carries it, and its logs name the merchant.
    expect(seen).toEqual([{ traceparent: `00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`, merchantId: 'm-7' }]);
  });

  it('starts a trace for a caller without one, marks a 5xx as an error, and makes no span for health probes', async () => {
    exporter.reset();
    expect((await fetch(`${base}/v1/violations`, { method: 'POST' })).status).toBe(503);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const spans = await flushed(exporter);
    expect(spans.map((s) => s.name)).toEqual(['POST /v1/violations']);
    expect(spans[0].parentSpanContext).toBeUndefined();
    expect(spans[0].status.code).toBe(2); // ERROR
  });

  it('counts requests and their duration by method, route template and status; unknown paths as unmatched', async () => {
    await fetch(`${base}/v1/merchants/a/standing`);
    await fetch(`${base}/v1/merchants/b/standing`);
    await fetch(`${base}/nowhere/${Math.random()}`);
    expect((await fetch(`${base}/v1/violations:batch`, { method: 'POST' })).status).toBe(200);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/penalty_http_requests_total\{method="GET",route="\/v1\/merchants\/:merchantId\/standing",status="200",service="api"\} [3-9]/);
    expect(text).toMatch(/penalty_http_requests_total\{method="POST",route="\/v1\/violations",status="503",service="api"\} 1/);
    expect(text).toMatch(/penalty_http_requests_total\{method="GET",route="unmatched",status="404",service="api"\} 1/);
    expect(text).toMatch(/penalty_http_requests_total\{method="POST",route="\/v1\/violations:batch",status="200",service="api"\} 1/);
    expect(text).toMatch(/penalty_http_request_duration_seconds_count\{[^}]*method="GET",route="\/v1\/merchants\/:merchantId\/standing",status="200"[^}]*\} [3-9]/);
  });
});

/** The spans ended so far (the batch processor exports on flush). */
async function flushed(exporter: InMemorySpanExporter) {
  await flushTracing();
  return exporter.getFinishedSpans();
}
