import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import helmet from 'helmet';
import { createProxyMiddleware } from 'http-proxy-middleware';
import path from 'node:path';
import { trustedProxies } from '@penalty/auth';
import { lagPage, parseLagQuery } from './consumer-lag';
import { FigureHistory, figuresBetween, parsePrometheusText, type FigurePoint, type Figures, type Sample } from './live-figures';
import { LIVE_RANGE_STEPS, LIVE_RANGES, PrometheusFigures, type LiveRange } from './prometheus-figures';

/**
 * Serves the built dashboard and, on the same origin (so the session cookie and CSRF token work),
 * proxies /svc/<service>/… to each service. /live streams the live figures as server-sent events to
 * signed-in operators, and /live/history answers their history over a range: read from Prometheus when
 * PROMETHEUS_URL is set (every replica then shows the same history), else scraped by this process.
 */
const SERVICES: Record<string, string> = {
  api: process.env.API_URL ?? 'http://127.0.0.1:3000',
  'scoring-service': process.env.SCORING_URL ?? 'http://127.0.0.1:3001',
  'sanction-service': process.env.SANCTION_URL ?? 'http://127.0.0.1:3002',
  'notification-service': process.env.NOTIFICATION_URL ?? 'http://127.0.0.1:3003',
};
const PORT = Number(process.env.HTTP_PORT ?? 8080);
const SCRAPE_MS = Number(process.env.SCRAPE_INTERVAL_MS ?? 5_000);
/** How often an open /live stream checks that its session still holds (signed out, disabled, expired). */
const LIVE_SESSION_CHECK_MS = Number(process.env.LIVE_SESSION_CHECK_MS ?? 60_000);
const dist = path.resolve(__dirname, '../dist');

/** PROMETHEUS_URL: Prometheus's base address (http or https, any path prefix); a malformed one stops the server. */
function prometheusUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    console.error(`PROMETHEUS_URL must be an http or https URL (Prometheus's base address), not ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return raw;
}
const PROMETHEUS_URL = prometheusUrl(process.env.PROMETHEUS_URL);
const prometheus = PROMETHEUS_URL ? new PrometheusFigures(PROMETHEUS_URL) : undefined;

const app = express();
// req.ip believes X-Forwarded-For only from the proxies in TRUST_PROXY (an ingress in front of this server).
app.set('trust proxy', trustedProxies(process.env.TRUST_PROXY));
// Security headers on every answer (helmet also removes X-Powered-By). The policy fits the Vite build:
// one external module script, no inline script and no eval; antd writes its CSS-in-JS into <style>
// elements at run time, hence 'unsafe-inline' for styles only; fetches and the event stream stay on
// this origin; no framing, plugins or <base>.
app.use(
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  }),
);

for (const [service, target] of Object.entries(SERVICES)) {
  app.use(
    `/svc/${service}`,
    createProxyMiddleware<express.Request, express.Response>({
      target,
      changeOrigin: true,
      xfwd: true,
      on: {
        // The services see the operator's address, not this proxy's (the api throttles sign-in per address
        // and trusts this header from the proxies in its TRUST_PROXY). Replaced, never appended to: what a
        // client sent as X-Forwarded-For counts only through a proxy this server trusts (req.ip).
        proxyReq: (proxyReq, req) => proxyReq.setHeader('x-forwarded-for', req.ip ?? req.socket.remoteAddress ?? ''),
        // Whatever a service sends, this origin does not name its framework.
        proxyRes: (proxyRes) => delete proxyRes.headers['x-powered-by'],
      },
    }),
  );
}

const history = new FigureHistory();
const listeners = new Set<express.Response>();
let previous = new Map<string, Sample[]>();
let previousAt = Date.now();

/** The latest figures (this process's scrape or Prometheus's): what /live/consumer-lag pages. */
let latestFigures: Figures | undefined;

const broadcast = (event: string, data: unknown) => {
  if (event === 'figures') latestFigures = data as Figures;
  for (const listener of listeners) listener.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
};

/** Where the live figures come from, and whether that source answers; the page shows it. */
interface LiveSource {
  source: 'prometheus' | 'scrape';
  available: boolean;
  detail?: string;
}
let liveSource: LiveSource = { source: prometheus ? 'prometheus' : 'scrape', available: true };
/** A change of state is logged once and sent to every open stream (a Prometheus that stays down is not logged every few seconds). */
function sourceIs(next: LiveSource): void {
  if (next.available === liveSource.available && next.detail === liveSource.detail) return;
  if (next.available) console.log(`live figures: Prometheus at ${PROMETHEUS_URL} answers again`);
  else console.error(`live figures: Prometheus at ${PROMETHEUS_URL} unavailable (${next.detail}); the Overview says so until it answers`);
  liveSource = next;
  broadcast('source', liveSource);
}
const prometheusFailed = (error: unknown) => sourceIs({ source: 'prometheus', available: false, detail: error instanceof Error ? error.message : String(error) });

async function scrape(): Promise<void> {
  const current = new Map<string, Sample[]>();
  await Promise.all(
    Object.entries(SERVICES).map(async ([service, url]) => {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
      if (response?.ok) current.set(service, parsePrometheusText(await response.text()));
    }),
  );
  const now = Date.now();
  const figures = figuresBetween(previous, current, (now - previousAt) / 1000, new Date(now));
  previous = current;
  previousAt = now;
  history.add(figures);
  broadcast('figures', figures);
}

/** The current figures from Prometheus's instant queries. */
async function readPrometheus(source: PrometheusFigures): Promise<void> {
  try {
    const figures = await source.current(new Date());
    sourceIs({ source: 'prometheus', available: true });
    broadcast('figures', figures);
  } catch (error) {
    prometheusFailed(error);
  }
}

let reading = false;
async function tick(): Promise<void> {
  // A slow Prometheus (up to its timeout) does not pile up reads.
  if (reading) return;
  reading = true;
  try {
    await (prometheus ? readPrometheus(prometheus) : scrape());
  } finally {
    reading = false;
  }
}
setInterval(() => void tick(), SCRAPE_MS).unref();
void tick();

/** The two rates over `range`: Prometheus's history, or this process's scrapes (the last hour at most: `complete` false for longer ranges). */
async function historyOver(range: LiveRange): Promise<{ source: LiveSource['source']; range: LiveRange; stepSeconds: number; complete: boolean; points: FigurePoint[] }> {
  if (!prometheus) {
    const since = new Date(Date.now() - LIVE_RANGE_STEPS[range].seconds * 1000);
    return { source: 'scrape', range, stepSeconds: SCRAPE_MS / 1000, complete: range === '1h', points: history.pointsSince(since) };
  }
  const { stepSeconds, points } = await prometheus.history(range, new Date());
  sourceIs({ source: 'prometheus', available: true });
  return { source: 'prometheus', range, stepSeconds, complete: true, points };
}

type SessionStatus = { status: 'VALID'; principal: { subject: string; roles: string[] } } | { status: 'INVALID' | 'UNKNOWN' };

/** Whether the request carries a session the api honours now (its own check: signature, sign-out, disabling), and whose. */
async function sessionStatus(req: express.Request): Promise<SessionStatus> {
  const headers: Record<string, string> = {};
  if (req.headers.cookie) headers.cookie = req.headers.cookie;
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  if (!headers.cookie && !headers.authorization) return { status: 'INVALID' };
  const response = await fetch(`${SERVICES.api}/v1/auth/me`, { headers, signal: AbortSignal.timeout(3_000) }).catch(() => null);
  if (!response) return { status: 'UNKNOWN' };
  if (response.ok) {
    const principal = (await response.json().catch(() => null)) as { subject?: unknown; roles?: unknown } | null;
    if (typeof principal?.subject !== 'string' || !Array.isArray(principal.roles)) return { status: 'UNKNOWN' };
    return { status: 'VALID', principal: { subject: principal.subject, roles: principal.roles.filter((r): r is string => typeof r === 'string') } };
  }
  await response.body?.cancel();
  return { status: response.status === 401 || response.status === 403 ? 'INVALID' : 'UNKNOWN' };
}

const TITLES: Record<number, string> = { 400: 'Invalid request', 401: 'Unauthenticated', 503: 'Unavailable' };
const problem = (res: express.Response, status: number, code: string, detail: string, errors?: { field: string; message: string }[]) =>
  res.status(status).type('application/problem+json').json({ type: `https://penalty-platform.example/problems/${code}`, title: TITLES[status], status, code, detail, ...(errors ? { errors } : {}) });

/** Answers 401 or 503 unless the request carries a session the api honours; true when it does. */
async function signedIn(req: express.Request, res: express.Response, what: string): Promise<boolean> {
  const { status } = await sessionStatus(req);
  if (status === 'INVALID') problem(res, 401, 'AUTH.UNAUTHENTICATED', `Sign in to ${what}.`);
  if (status === 'UNKNOWN') problem(res.set('retry-after', '5'), 503, 'AUTH.UNAVAILABLE', 'The session cannot be checked now.');
  return status === 'VALID';
}

// Who is signed in, for the page's first question: 200 {signedIn: false} rather than the api's 401, which
// the browser would log as an error on every cold load. The api's GET /v1/auth/me keeps its contract.
app.get('/session', async (req, res) => {
  const session = await sessionStatus(req);
  res.set('cache-control', 'no-store');
  if (session.status === 'VALID') return void res.json({ signedIn: true, ...session.principal });
  if (session.status === 'INVALID') return void res.json({ signedIn: false });
  problem(res.set('retry-after', '5'), 503, 'AUTH.UNAVAILABLE', 'The session cannot be checked now.');
});

app.get('/live', async (req, res) => {
  if (!(await signedIn(req, res, 'follow the live figures'))) return;
  res.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.flushHeaders();
  // The last hour first (Prometheus's, or this process's scrapes with every figure), then where it comes from.
  const lastHour = prometheus ? await historyOver('1h').then((h) => h.points, (error: unknown) => (prometheusFailed(error), [])) : history.all();
  res.write(`event: history\ndata: ${JSON.stringify(lastHour)}\n\n`);
  res.write(`event: source\ndata: ${JSON.stringify(liveSource)}\n\n`);
  listeners.add(res);
  // A session that ends (signed out, operator disabled, expired) ends its stream; the browser's reconnect then gets 401.
  const recheck = setInterval(() => void sessionStatus(req).then((s) => s.status === 'INVALID' && res.end()), LIVE_SESSION_CHECK_MS);
  req.on('close', () => {
    clearInterval(recheck);
    listeners.delete(res);
  });
});

app.get('/live/history', async (req, res) => {
  if (!(await signedIn(req, res, 'read the live figures'))) return;
  const range = req.query.range ?? '1h';
  if (typeof range !== 'string' || !(LIVE_RANGES as readonly string[]).includes(range)) {
    return void problem(res, 400, 'REQUEST.INVALID', 'The request has invalid fields.', [{ field: 'range', message: `range must be one of ${LIVE_RANGES.join(', ')}` }]);
  }
  res.set('cache-control', 'no-store');
  try {
    res.json(await historyOver(range as LiveRange));
  } catch (error) {
    prometheusFailed(error);
    problem(res.set('retry-after', '5'), 503, 'LIVE.PROMETHEUS_UNAVAILABLE', `The figures' history cannot be read from Prometheus now: ${liveSource.detail}`);
  }
});

// The consumer-lag table, paged here from the latest figures: sorted, filtered and counted as the api's tables are.
app.get('/live/consumer-lag', async (req, res) => {
  if (!(await signedIn(req, res, 'read the consumer lag'))) return;
  const parsed = parseLagQuery(req.query as Record<string, unknown>);
  if ('errors' in parsed) return void problem(res, 400, 'REQUEST.INVALID', 'The request has invalid fields.', parsed.errors);
  res.set('cache-control', 'no-store').json(lagPage(latestFigures?.consumerLag ?? [], parsed.query));
});

// The build's files, precompressed by it (vite.config.mts writes a .br and a .gz beside each): brotli or
// gzip as the browser accepts (Vary: Accept-Encoding), the file itself otherwise; nothing is compressed
// per request. Hashed assets never change under their name, so they are cached for a year; index.html
// names the current ones, so it is revalidated on every load.
const NO_CACHE = 'no-cache';
const cacheFor = (file: string) => (/[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : NO_CACHE);
app.use(
  expressStaticGzip(dist, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: { setHeaders: (res, file) => res.setHeader('cache-control', cacheFor(file)) },
  }),
);
// Client-side routes all load the app.
app.get(/^\/(?!svc\/|live(?:$|\/)|session$|assets\/).*/, (_req, res) => res.set('cache-control', NO_CACHE).sendFile(path.join(dist, 'index.html')));

app.listen(PORT, '0.0.0.0', () => console.log(`ops-dashboard on http://127.0.0.1:${PORT}`));
