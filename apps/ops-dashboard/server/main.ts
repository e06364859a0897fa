import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import helmet from 'helmet';
import { createProxyMiddleware } from 'http-proxy-middleware';
import path from 'node:path';
import { trustedProxies } from '@penalty/auth';
import { FigureHistory, figuresBetween, parsePrometheusText, type Sample } from './live-figures';

/**
 * Serves the built dashboard and, on the same origin (so the session cookie and CSRF token work),
 * proxies /svc/<service>/… to each service. /live streams the live figures as server-sent events to
 * signed-in operators.
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
  for (const listener of listeners) listener.write(`event: figures\ndata: ${JSON.stringify(figures)}\n\n`);
}
setInterval(() => void scrape(), SCRAPE_MS).unref();
void scrape();

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

const problem = (res: express.Response, status: number, code: string, detail: string) =>
  res.status(status).type('application/problem+json').json({ type: `https://penalty-platform.example/problems/${code}`, title: status === 401 ? 'Unauthenticated' : 'Unavailable', status, code, detail });

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
  const { status } = await sessionStatus(req);
  if (status === 'INVALID') return void problem(res, 401, 'AUTH.UNAUTHENTICATED', 'Sign in to follow the live figures.');
  if (status === 'UNKNOWN') return void problem(res.set('retry-after', '5'), 503, 'AUTH.UNAVAILABLE', 'The session cannot be checked now.');
  res.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.flushHeaders();
  res.write(`event: history\ndata: ${JSON.stringify(history.all())}\n\n`);
  listeners.add(res);
  // A session that ends (signed out, operator disabled, expired) ends its stream; the browser's reconnect then gets 401.
  const recheck = setInterval(() => void sessionStatus(req).then((s) => s.status === 'INVALID' && res.end()), LIVE_SESSION_CHECK_MS);
  req.on('close', () => {
    clearInterval(recheck);
    listeners.delete(res);
  });
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
app.get(/^\/(?!svc\/|live$|session$|assets\/).*/, (_req, res) => res.set('cache-control', NO_CACHE).sendFile(path.join(dist, 'index.html')));

app.listen(PORT, '0.0.0.0', () => console.log(`ops-dashboard on http://127.0.0.1:${PORT}`));
