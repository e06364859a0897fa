import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A series the stand-in answers: its labels and its value at a unix time (seconds). */
export interface StandInSeries {
  metric: Record<string, string>;
  valueAt: (unixSeconds: number) => number;
}

/**
 * A stand-in for Prometheus's HTTP API in tests (Prometheus itself cannot be installed on the test
 * machines): GET or form POST `/api/v1/query` (query, time) and `/api/v1/query_range` (query, start,
 * end, step), answered in Prometheus's documented envelope, `{status: "success", data: {resultType:
 * "vector" | "matrix", result}}` with `[unix seconds, "value"]` samples, and `{status: "error",
 * errorType: "bad_data", error}` with 400 for a missing or malformed parameter. It does not evaluate
 * PromQL: each query text is looked up in `answers` (a query it does not know has no series, as a
 * query over absent metrics would). `failing` makes it answer 503 like a Prometheus that is down
 * behind a proxy. Every query it was asked is kept in `asked`.
 */
export class PrometheusStandIn {
  private server?: Server;
  readonly asked: { path: string; params: Record<string, string> }[] = [];
  failing = false;
  url = '';

  constructor(private readonly answers: (query: string) => StandInSeries[] | undefined) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.answer(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const params = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      Object.assign(params, Object.fromEntries(new URLSearchParams(text)));
    }
    this.asked.push({ path: url.pathname, params });
    if (this.failing) return { status: 503, body: 'Service Unavailable' };
    const badData = (error: string) => ({ status: 400, body: { status: 'error', errorType: 'bad_data', error } });
    const time = (name: string, fallback?: number) => {
      const raw = params[name];
      if (raw === undefined) return fallback;
      const seconds = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw) / 1000;
      return Number.isFinite(seconds) ? seconds : undefined;
    };
    if (!params.query) return badData('invalid parameter "query": unknown position: parse error: no expression found in input');
    const series = this.answers(params.query) ?? [];
    const sample = (s: StandInSeries, t: number): [number, string] => [t, String(s.valueAt(t))];
    if (url.pathname === '/api/v1/query') {
      const at = time('time', Date.now() / 1000);
      if (at === undefined) return badData(`invalid parameter "time": cannot parse "${params.time}" to a valid timestamp`);
      return { status: 200, body: { status: 'success', data: { resultType: 'vector', result: series.map((s) => ({ metric: s.metric, value: sample(s, at) })) } } };
    }
    if (url.pathname === '/api/v1/query_range') {
      const start = time('start');
      const end = time('end');
      const step = /^\d+(\.\d+)?$/.test(params.step ?? '') ? Number(params.step) : undefined;
      if (start === undefined) return badData(`invalid parameter "start": cannot parse "${params.start}" to a valid timestamp`);
      if (end === undefined) return badData(`invalid parameter "end": cannot parse "${params.end}" to a valid timestamp`);
      if (end < start) return badData('invalid parameter "end": end timestamp must not be before start time');
      if (!step) return badData('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > 11_000) return badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      const times: number[] = [];
      for (let t = start; t <= end; t += step) times.push(t);
      return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: series.map((s) => ({ metric: s.metric, values: times.map((t) => sample(s, t)) })) } } };
    }
    return { status: 404, body: '404 page not found' };
  }
}
