import { Topics } from '@penalty/contracts';
import { aMerchantId, aViolationEvent, obtainInfrastructure, PipelineStack, TopicRecorder } from '@penalty/testing';
import { TcpProxy } from './tcp-proxy.testing';

interface BatchAnswer {
  results: { index: number; id: string | null; status: 'ACCEPTED' | 'DUPLICATE' | 'INVALID'; problem?: { status: number; code: string; errors?: { field: string }[] } }[];
  accepted: number;
  duplicates: number;
  invalid: number;
}

/**
 * HTTP ingestion of the api (a real process) on real Kafka and PostgreSQL, its database reached
 * through a proxy that can take it away: concurrent POSTs and batches are committed together and each
 * is answered as one request at a time would be; every accepted event is published exactly once; and
 * while the database is gone every request is answered 503 with Retry-After, none 202.
 */
describe('violation intake over HTTP, group commit (the api on real Kafka + PostgreSQL)', () => {
  // The tests before the last use about 400 requests of the key's minute.
  const env: Record<string, string> = { INGESTION_REQUESTS_PER_MINUTE: '1000' };
  const stack = new PipelineStack({ apps: ['api'], env });
  let proxy: TcpProxy;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    const through = TcpProxy.forDatabase((await obtainInfrastructure()).databaseUrl);
    proxy = through.proxy;
    await proxy.start();
    env.DATABASE_URL = through.url(stack.databaseName);
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.ViolationsDetectedV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
    await proxy?.stop();
  });

  const api = () => stack.service('api').baseUrl;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api()}${path}`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': stack.apiKey, ...headers }, body: JSON.stringify(body) });
  const postBatch = (events: unknown[], headers: Record<string, string> = {}) => post('/v1/violations:batch', events, { 'content-type': 'application/cloudevents-batch+json', ...headers });
  const expectPublishedOnce = async (ids: string[]) => {
    const wanted = new Set(ids);
    await recorder.waitFor((m) => wanted.has(m.json?.id ?? ''), ids.length, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const copies = new Map<string, number>();
    for (const m of recorder.messages) if (wanted.has(m.json?.id ?? '')) copies.set(m.json!.id, (copies.get(m.json!.id) ?? 0) + 1);
    expect(ids.filter((eventId) => copies.get(eventId) !== 1)).toEqual([]);
  };

  it('answers concurrent POSTs and batches as one request at a time would (the same id twice at once: one ACCEPTED, one DUPLICATE), and publishes each accepted event once', async () => {
    const merchants = Array.from({ length: 12 }, () => aMerchantId('group'));
    const events = Array.from({ length: 240 }, (_, i) => aViolationEvent({ merchantId: merchants[i % merchants.length], code: 'DELAYED_SHIPMENT', severity: 'MINOR' }));
    const invalid = aViolationEvent({ merchantId: merchants[0], code: 'NOT_A_CODE' });
    const batches = Array.from({ length: 8 }, (_, b) => {
      const fresh = Array.from({ length: 10 }, () => aViolationEvent({ merchantId: merchants[b], code: 'DELAYED_SHIPMENT', severity: 'MINOR' }));
      // Fresh events, one of them twice, an invalid one, and an event also posted on its own.
      return [...fresh, fresh[0], invalid, events[b]];
    });
    const [singles, twice, batchAnswers] = await Promise.all([
      Promise.all(events.map((e) => post('/v1/violations', e))),
      // Posted a second time while the first is in flight.
      Promise.all(events.slice(0, 40).map((e) => post('/v1/violations', e))),
      Promise.all(batches.map((b) => postBatch(b))),
    ]);
    const accepted = new Map<string, number>();
    const count = (eventId: string, status: string) => status === 'ACCEPTED' && accepted.set(eventId, (accepted.get(eventId) ?? 0) + 1);
    for (const response of [...singles, ...twice]) {
      expect(response.status).toBe(202);
      const body = (await response.json()) as { id: string; status: string };
      expect(['ACCEPTED', 'DUPLICATE']).toContain(body.status);
      count(body.id, body.status);
    }
    for (const [b, response] of batchAnswers.entries()) {
      expect(response.status).toBe(200);
      const answer = (await response.json()) as BatchAnswer;
      expect(answer.results.map((r) => r.id)).toEqual(batches[b].map((e) => e.id));
      expect(answer.results.slice(0, 11).map((r) => r.status)).toEqual([...Array(10).fill('ACCEPTED'), 'DUPLICATE']);
      expect(answer.results[11]).toMatchObject({ status: 'INVALID', problem: { status: 400, code: 'REQUEST.INVALID', errors: [{ field: 'data.code' }] } });
      expect(answer).toMatchObject({ invalid: 1, accepted: answer.results.filter((r) => r.status === 'ACCEPTED').length });
      for (const r of answer.results) count(r.id!, r.status);
    }
    const ids = [...events, ...batches.flatMap((b) => b.slice(0, 10))].map((e) => e.id);
    expect(ids.filter((eventId) => accepted.get(eventId) !== 1)).toEqual([]);
    expect(accepted.has(invalid.id)).toBe(false);
    await expectPublishedOnce(ids);

    // Posted again later, alone or in a batch: duplicates, and nothing is published again.
    expect(await (await post('/v1/violations', events[5])).json()).toEqual({ id: events[5].id, status: 'DUPLICATE' });
    expect(((await (await postBatch(events.slice(10, 20))).json()) as BatchAnswer).duplicates).toBe(10);
    await expectPublishedOnce(events.slice(5, 20).map((e) => e.id));
  });

  it('refuses a batch that is not an array of 1 to 500 events, and keeps the route to keys with violations:write', async () => {
    const merchantId = aMerchantId('batchshape');
    expect((await postBatch([])).status).toBe(400);
    expect((await post('/v1/violations:batch', { events: [aViolationEvent({ merchantId })] }, { 'content-type': 'application/json' })).status).toBe(400);
    const tooMany = await postBatch(Array.from({ length: 501 }, () => aViolationEvent({ merchantId })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.headers.get('content-type')).toContain('application/problem+json');
    expect((await postBatch([aViolationEvent({ merchantId })], { 'x-api-key': '' })).status).toBe(401);
    const issued = await post('/v1/api-keys', { name: 'standing-reader', scopes: ['standing:read'] }, { ...(await stack.operatorHeaders('admin')), 'x-api-key': '' });
    expect(issued.status).toBe(201);
    const reader = ((await issued.json()) as { key: string }).key;
    expect((await postBatch([aViolationEvent({ merchantId })], { 'x-api-key': reader })).status).toBe(403);
  });

  it('answers 503 with Retry-After and never 202 while its database is gone, and accepts the same events once it is back', async () => {
    const merchantId = aMerchantId('outage');
    const events = Array.from({ length: 20 }, () => aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }));
    const batch = Array.from({ length: 5 }, () => aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }));
    proxy.cut();
    let answers: Response[];
    try {
      answers = await Promise.all([...events.map((e) => post('/v1/violations', e)), postBatch(batch)]);
    } finally {
      proxy.restore();
    }
    for (const response of answers) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 503, code: 'INGESTION.UNAVAILABLE' });
    }
    // Retried by their producers: accepted now (nothing was recorded before), each published once.
    const retried = await Promise.all(events.map((e) => post('/v1/violations', e)));
    for (const response of retried) expect(await response.json()).toMatchObject({ status: 'ACCEPTED' });
    expect(((await (await postBatch(batch)).json()) as BatchAnswer).accepted).toBe(5);
    await expectPublishedOnce([...events, ...batch].map((e) => e.id));
  });

  it("limits each key's requests per minute across both routes (429 problem details)", async () => {
    const merchantId = aMerchantId('limited');
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 1_100 && !limited; i += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, j) => ((i + j) % 2 ? post('/v1/violations', aViolationEvent({ merchantId })) : postBatch([aViolationEvent({ merchantId }), aViolationEvent({ merchantId })]))));
      for (const a of answers) {
        statuses.push(a.status);
        if (a.status === 429) limited ??= a;
        else await a.body?.cancel();
      }
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('content-type')).toContain('application/problem+json');
    expect(limited!.headers.get('retry-after-ingestion')).toMatch(/^\d+$/);
    expect(statuses.filter((s) => ![200, 202, 429].includes(s))).toEqual([]);
    // Both routes are refused once the key is over its limit.
    expect((await post('/v1/violations', aViolationEvent({ merchantId }))).status).toBe(429);
    expect((await postBatch([aViolationEvent({ merchantId })])).status).toBe(429);
  });
});
