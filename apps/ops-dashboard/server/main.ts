import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import path from 'node:path';
import { FigureHistory, figuresBetween, parsePrometheusText, type Sample } from './live-figures';

/**
 * Serves the built dashboard and, on the same origin (so the session cookie and CSRF token work),
 * proxies /svc/<service>/… to each service. /live streams the live figures as server-sent events.
 */
const SERVICES: Record<string, string> = {
  api: process.env.API_URL ?? 'http://127.0.0.1:3000',
  'scoring-service': process.env.SCORING_URL ?? 'http://127.0.0.1:3001',
  'sanction-service': process.env.SANCTION_URL ?? 'http://127.0.0.1:3002',
  'notification-service': process.env.NOTIFICATION_URL ?? 'http://127.0.0.1:3003',
};
const PORT = Number(process.env.HTTP_PORT ?? 8080);
const SCRAPE_MS = Number(process.env.SCRAPE_INTERVAL_MS ?? 5_000);
const dist = path.resolve(__dirname, '../dist');

const app = express();
for (const [service, target] of Object.entries(SERVICES)) {
  app.use(`/svc/${service}`, createProxyMiddleware({ target, changeOrigin: true, xfwd: true }));
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

app.get('/live', (req, res) => {
  res.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.flushHeaders();
  res.write(`event: history\ndata: ${JSON.stringify(history.all())}\n\n`);
  listeners.add(res);
  req.on('close', () => listeners.delete(res));
});

app.use(express.static(dist, { index: 'index.html', maxAge: '1h' }));
// Client-side routes all load the app.
app.get(/^\/(?!svc\/|live$).*/, (_req, res) => res.sendFile(path.join(dist, 'index.html')));

app.listen(PORT, '0.0.0.0', () => console.log(`ops-dashboard on http://127.0.0.1:${PORT}`));
