// HTTP ingestion figures: concurrent clients posting violations to the api, each waiting for its answer.
import { Agent, request } from 'node:http';
import { latency, type Latency } from './latency';
import type { ViolationEvent } from './event-set';

export interface IngestionLevel {
  route: string;
  clients: number;
  /** Events per request (1 for POST /v1/violations). */
  eventsPerRequest: number;
  seconds: number;
  requests: number;
  /** Requests answered with the accepted status (and, for a batch, at least one event accepted). */
  accepted: number;
  /** Answers other than the accepted status, by status (or error code). */
  others: Record<string, number>;
  acceptedPerSecond: number;
  /** Events accepted per second (a batch answer says per event). */
  eventsPerSecond: number;
  latency: Latency;
}

interface Answer {
  status: number | string;
  ms: number;
  body: string;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? 'ERROR', ms: performance.now() - started, body: '' }));
    req.end(body);
  });
}

export interface IngestionTarget {
  baseUrl: string;
  apiKey: string;
}

/** Events a batch answer accepted: `{ results: [{ status: 'ACCEPTED' | … }] }` when it says so, else all of them. */
function acceptedInAnswer(answer: Answer, eventsPerRequest: number): number {
  if (eventsPerRequest === 1) return 1;
  try {
    const results = (JSON.parse(answer.body) as { results?: { status?: string }[] }).results;
    if (Array.isArray(results)) return results.filter((r) => r.status === 'ACCEPTED').length;
  } catch {
    // not JSON: count the request's events
  }
  return eventsPerRequest;
}

/**
 * `clients` loops, each posting one request after the other for `seconds` (keep-alive connections, one
 * per client). Requests/s counts the accepted ones (202 unless `accepted` says otherwise); latency is over accepted requests.
 */
export async function measureIngestion(
  target: IngestionTarget,
  route: string,
  clients: number,
  seconds: number,
  body: () => string,
  options: { contentType?: string; accepted?: (status: number | string) => boolean; eventsPerRequest?: number } = {},
): Promise<IngestionLevel> {
  const url = new URL(route, target.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const headers = { 'content-type': options.contentType ?? 'application/cloudevents+json', 'x-api-key': target.apiKey };
  const isAccepted = options.accepted ?? ((status) => status === 202);
  const answers: Answer[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) answers.push(await post(agent, url, headers, body()));
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const eventsPerRequest = options.eventsPerRequest ?? 1;
  const acceptedEvents = answers.map((a) => (isAccepted(a.status) ? acceptedInAnswer(a, eventsPerRequest) : 0));
  const accepted = answers.filter((_, i) => acceptedEvents[i] > 0);
  const others: Record<string, number> = {};
  answers.forEach((a, i) => { if (acceptedEvents[i] === 0) others[String(a.status)] = (others[String(a.status)] ?? 0) + 1; });
  return {
    route,
    clients,
    eventsPerRequest,
    seconds: elapsed,
    requests: answers.length,
    accepted: accepted.length,
    others,
    acceptedPerSecond: accepted.length / elapsed,
    eventsPerSecond: acceptedEvents.reduce((a, b) => a + b, 0) / elapsed,
    latency: latency(`${clients} client(s)`, accepted.map((a) => a.ms)),
  };
}

/** Sends `count` requests from `clients` clients, unmeasured (the route's first calls warm the process up). */
export async function warmUp(target: IngestionTarget, route: string, clients: number, count: number, body: () => string): Promise<void> {
  const url = new URL(route, target.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  let left = count;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left-- > 0) await post(agent, url, { 'content-type': 'application/cloudevents+json', 'x-api-key': target.apiKey }, body());
  }));
  agent.destroy();
}

export interface BatchRoute {
  path: string;
  /** How the bench's probe was answered. */
  probe: string;
  /** A body shape the route accepted, if any. */
  accepts?: { contentType: string; build: (events: ViolationEvent[]) => string };
}

/**
 * A batch ingestion route, if the api documents one (another change may add it): found in the OpenAPI
 * document, probed with a CloudEvents JSON batch (an array) and with `{ events: [...] }`.
 */
export async function findBatchRoute(target: IngestionTarget, sample: () => ViolationEvent[]): Promise<BatchRoute | undefined> {
  let paths: string[];
  try {
    const doc = (await (await fetch(new URL('/docs/openapi.json', target.baseUrl))).json()) as { paths?: Record<string, unknown> };
    paths = Object.keys(doc.paths ?? {});
  } catch {
    return undefined;
  }
  const path = paths.find((p) => p.startsWith('/v1/violations') && p !== '/v1/violations' && /batch/i.test(p));
  if (!path) return undefined;
  const shapes = [
    { contentType: 'application/cloudevents-batch+json', build: (events: ViolationEvent[]) => JSON.stringify(events) },
    { contentType: 'application/json', build: (events: ViolationEvent[]) => JSON.stringify({ events }) },
  ];
  const agent = new Agent({ keepAlive: false });
  const answers: string[] = [];
  try {
    for (const shape of shapes) {
      const answer = await post(agent, new URL(path, target.baseUrl), { 'content-type': shape.contentType, 'x-api-key': target.apiKey }, shape.build(sample()));
      answers.push(`${shape.contentType}: ${answer.status}`);
      if (typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300) {
        return { path, probe: answers.join(', '), accepts: shape };
      }
    }
  } finally {
    agent.destroy();
  }
  return { path, probe: answers.join(', ') };
}
