import net from 'node:net';
import fc from 'fast-check';
import { aMerchantId, aViolationEvent, PipelineStack, SERVICE_APPS, type ServiceApp } from '@penalty/testing';

type Problem = { type: string; title: string; status: number; code?: string; errors?: { field: string; message: string }[] };

const BODY_TIMEOUT_MS = 1500;
const INGESTION_PER_MINUTE = 40;

/**
 * Issue 10 item 2 on the real stack: every service's HTTP edge answers hostile input with an RFC 9457
 * problem — never a 500, never a 202 for an event that would then be dead-lettered — and refuses
 * unauthenticated callers before reading their body. Then a fast-check property over every route of
 * every service's OpenAPI document (plus health and metrics): hostile path parameters, queries,
 * headers and bodies get no 5xx, and every 4xx is a problem document.
 */
describe('hostile input at the HTTP edge of every service (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS), INGESTION_REQUESTS_PER_MINUTE: String(INGESTION_PER_MINUTE) } });
  let admin: Record<string, string>;

  beforeAll(async () => {
    await stack.start();
    admin = await stack.operatorHeaders('admin');
  }, 300_000);

  afterAll(async () => {
    await stack.stop();
  });

  const url = (app: ServiceApp, path: string) => `${stack.service(app).baseUrl}${path}`;
  const portOf = (app: ServiceApp) => Number(new URL(stack.service(app).baseUrl).port);

  async function problemOf(response: Response, status: number): Promise<Problem> {
    const text = await response.text();
    expect({ url: response.url, status: response.status, text }).toEqual({ url: response.url, status, text: expect.any(String) });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return JSON.parse(text) as Problem;
  }

  /** Raw bytes on a fresh connection: what came back, and after how long. */
  function raw(app: ServiceApp, request: string, { trickle }: { trickle?: boolean } = {}): Promise<{ text: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(portOf(app), '127.0.0.1', () => socket.write(request));
      let text = '';
      const drip = trickle ? setInterval(() => socket.writable && socket.write(' '), 200) : undefined;
      const giveUp = setTimeout(() => socket.destroy(), 15_000);
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(giveUp);
        resolve({ text, ms: Date.now() - started });
      });
      socket.on('error', reject);
    });
  }

  // A route of each service that needs a principal and takes a body (the notification service takes
  // none), and one that reads the database by merchant id.
  const commands = {
    api: '/v1/violations',
    'scoring-service': '/v1/merchants/m-1/exam-chances',
    'sanction-service': '/v1/sanctions/00000000-0000-4000-8000-000000000000/lifts',
  } as const;
  type CommandApp = keyof typeof commands;
  const reads: Record<ServiceApp, string> = {
    api: '/v1/merchants/{id}/standing',
    'scoring-service': '/v1/merchants/{id}/audit',
    'sanction-service': '/v1/merchants/{id}/deposit',
    'notification-service': '/v1/merchants/{id}/notifications',
  };

  describe.each(SERVICE_APPS.map((app) => [app]))('%s', (app) => {
    it('sends security headers and no X-Powered-By, on public and signed-in routes and on errors', async () => {
      for (const response of [await fetch(url(app, '/health/live')), await fetch(url(app, reads[app].replace('{id}', 'm-1')), { headers: admin }), await fetch(url(app, '/v1/no-such-route'))]) {
        expect(response.headers.get('x-powered-by')).toBeNull();
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
        await response.arrayBuffer();
      }
    });

    it.each([['%00'], ['m%00x'], ['%C3%28'], ['%ED%A0%80'], ['%FF%FE']])('answers 400 naming the path parameter for merchant id %s (PostgreSQL never sees it)', async (id) => {
      const answer = await problemOf(await fetch(url(app, reads[app].replace('{id}', id)), { headers: admin }), 400);
      expect(answer.errors).toEqual([{ field: 'path.merchantId', message: expect.any(String) }]);
    });

  });

  describe.each((Object.keys(commands) as CommandApp[]).map((app) => [app]))('%s, a command with a body', (app) => {
    it('answers 413 for a body over the limit, with and without credentials', async () => {
      const body = JSON.stringify({ reason: 'x'.repeat(2 * 1024 * 1024 + 1) });
      for (const headers of [{ 'content-type': 'application/json' }, admin]) {
        const answer = await problemOf(await fetch(url(app, commands[app]), { method: 'POST', headers, body }), 413);
        expect(answer.code).toBe('REQUEST.TOO_LARGE');
      }
    });

    it('answers 415 for another charset or media type', async () => {
      for (const type of ['application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded']) {
        expect((await problemOf(await fetch(url(app, commands[app]), { method: 'POST', headers: { ...admin, 'content-type': type }, body: '{}' }), 415)).code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
      }
    });

    it('answers 400 for JSON nested 20,000 deep (no stack overflow in class-transformer)', async () => {
      const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
      const answer = await problemOf(await fetch(url(app, commands[app]), { method: 'POST', headers: admin, body: deep }), 400);
      expect(answer.errors?.[0].message).toMatch(/nested deeper than 64/);
    });

    it('refuses an unauthenticated request before reading its body', async () => {
      // 1 MiB declared, a few bytes sent: an edge that read the body first would wait for the rest.
      const answer = await raw(app, `POST ${commands[app]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{"a":`);
      expect(answer.text).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer.text).toContain('application/problem+json');
      expect(answer.ms).toBeLessThan(BODY_TIMEOUT_MS);
    });

    it('cuts off a body trickled in slowly with a 408 problem', async () => {
      const token = admin.authorization;
      const answer = await raw(app, `POST ${commands[app]} HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{`, { trickle: true });
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.text).toContain('REQUEST.TIMEOUT');
      expect(answer.ms).toBeLessThan(BODY_TIMEOUT_MS + 3000);
    });
  });

  it('answers 400 for NUL in query values and sign-in names, where PostgreSQL would have failed with a 500', async () => {
    for (const app of ['api', 'scoring-service', 'sanction-service'] as const) {
      const answer = await problemOf(await fetch(url(app, '/v1/audit?actor=it%00admin&limit=5'), { headers: admin }), 400);
      expect(answer.errors).toEqual([{ field: 'query.actor', message: expect.stringContaining('NUL') }]);
    }
    const signIn = await fetch(url('api', '/v1/auth/sign-in'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'root\u0000admin', password: 'whatever it is' }) });
    expect((await problemOf(signIn, 400)).errors).toEqual([{ field: 'username', message: expect.stringContaining('NUL') }]);
    const search = await fetch(url('api', '/v1/ops/merchants?query=%ED%A0%80'), { headers: admin });
    expect((await problemOf(search, 400)).errors).toEqual([{ field: 'query.query', message: expect.any(String) }]);
  });

  it.each([
    ['a NUL in data.violationId', (e: ReturnType<typeof aViolationEvent>) => ({ ...e, data: { ...e.data, violationId: 'v\u0000-1' } }), 'data.violationId'],
    ['an unpaired surrogate in the subject', (e: ReturnType<typeof aViolationEvent>) => ({ ...e, subject: 'm-\ud800' }), 'subject'],
    ['a leap second', (e: ReturnType<typeof aViolationEvent>) => ({ ...e, data: { ...e.data, occurredAt: '2026-06-30T23:59:60Z' } }), 'data.occurredAt'],
    ['a date before 1970', (e: ReturnType<typeof aViolationEvent>) => ({ ...e, time: '1969-12-31T23:59:59Z' }), 'time'],
    ['a date after 2099', (e: ReturnType<typeof aViolationEvent>) => ({ ...e, data: { ...e.data, occurredAt: '2100-01-01T00:00:00+08:00' } }), 'data.occurredAt'],
  ])('refuses a violation with %s at intake (400, not 202 then dead-lettered)', async (_name, spoil, field) => {
    const event = spoil(aViolationEvent({ merchantId: aMerchantId('hostile') }));
    const response = await fetch(url('api', '/v1/violations'), { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': stack.apiKey }, body: JSON.stringify(event) });
    const answer = await problemOf(response, 400);
    expect(answer.errors?.map((e) => e.field)).toContain(field);
  });

  it('answers 429 with a standard Retry-After (seconds) once an API key is over its ingestion rate', async () => {
    let limited: Response | undefined;
    for (let i = 0; i <= INGESTION_PER_MINUTE + 2 && !limited; i++) {
      const response = await fetch(url('api', '/v1/violations'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey }, body: JSON.stringify(aViolationEvent({ merchantId: aMerchantId('rate') })) });
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(limited).toBeDefined();
    await problemOf(limited!, 429);
    expect(limited!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  describe('property: every route of every service', () => {
    interface Operation {
      app: ServiceApp;
      method: string;
      path: string;
      params: string[];
      query: string[];
      body: boolean;
    }
    let operations: Operation[] = [];

    beforeAll(async () => {
      for (const app of SERVICE_APPS) {
        const document = (await (await fetch(url(app, '/docs/openapi.json'))).json()) as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>> };
        for (const [path, methods] of Object.entries(document.paths)) {
          for (const [method, operation] of Object.entries(methods)) {
            const parameters = operation.parameters ?? [];
            operations.push({
              app,
              method: method.toUpperCase(),
              path,
              params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
              query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
              body: method !== 'get',
            });
          }
        }
        // Not in the documents (operations endpoints), answered all the same.
        for (const path of ['/health/live', '/health/ready', '/metrics']) operations.push({ app, method: 'GET', path, params: [], query: [], body: false });
      }
      operations = operations.sort((a, b) => `${a.app} ${a.path} ${a.method}`.localeCompare(`${b.app} ${b.path} ${b.method}`));
    });

    const encode = (text: string) => {
      try {
        return encodeURIComponent(text);
      } catch {
        return Array.from(Buffer.from(text), (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
      }
    };
    const hostileText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 16 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff', `x'; DROP TABLE appeal; --`, '2026-06-30T23:59:60Z', '1969-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '9'.repeat(40), '-1', '00000000-0000-4000-8000-000000000000', '..', '%', ' '),
    );
    const rawBytes = fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
    const segment = fc.oneof({ weight: 3, arbitrary: hostileText.filter((t) => t !== '').map(encode) }, { weight: 1, arbitrary: rawBytes });
    const body = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom('reason', 'statement', 'evidence', 'decision', 'result', 'violationId', 'paymentId', 'amountFen', 'username', 'password', 'documents', 'accepted', 'name', 'scopes', 'roles', 'ids'), fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 5 }).map((o) => JSON.stringify(o)),
      fc.integer({ min: 65, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
      fc.constantFrom('', 'null', '"text"', '{', '[]', '{"__proto__":{"admin":true}}', '{"amountFen":1e400}', '{"amountFen":-0}'),
    );
    const headers = fc.record({
      auth: fc.constantFrom('admin', 'admin', 'admin', 'none', 'bad-bearer', 'bad-key'),
      type: fc.constantFrom('application/json', 'application/json', 'application/cloudevents+json', 'application/json; charset=latin1', 'text/plain'),
      requestId: fc.option(fc.constantFrom('req-1', 'réq'), { nil: undefined }),
    });

    it('never answers 5xx, and answers every 4xx with a problem document', async () => {
      expect(operations.length).toBeGreaterThan(40);
      const seen: string[] = [];
      for (const operation of operations) {
        await fc.assert(
          fc.asyncProperty(fc.array(segment, { minLength: operation.params.length, maxLength: operation.params.length }), fc.array(fc.tuple(fc.constantFrom(...operation.query, 'limit', 'x'), segment), { maxLength: 3 }), body, headers, async (values, query, payload, h) => {
            let path = operation.path;
            operation.params.forEach((name, i) => (path = path.replace(`{${name}}`, values[i])));
            const search = query.map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join('&');
            const auth: Record<string, string> =
              h.auth === 'admin' ? { authorization: admin.authorization } : h.auth === 'bad-bearer' ? { authorization: 'Bearer x.y.z' } : h.auth === 'bad-key' ? { 'x-api-key': 'pk_00_nope' } : {};
            const target = url(operation.app, `${path}${search ? `?${search}` : ''}`);
            const response = await fetch(target, {
              method: operation.method,
              headers: { ...auth, 'content-type': h.type, ...(h.requestId ? { 'x-request-id': encodeURIComponent(h.requestId) } : {}) },
              body: operation.body ? payload : undefined,
            });
            const text = await response.text();
            seen.push(`${response.status}`);
            expect({ target, status: response.status, text: response.status >= 500 ? text : '' }).toEqual({ target, status: expect.any(Number), text: '' });
            expect({ target, status: response.status < 500 }).toEqual({ target, status: true });
            if (response.status >= 400) {
              expect({ target, type: response.headers.get('content-type') }).toEqual({ target, type: expect.stringMatching(/^application\/problem\+json/) });
              expect(JSON.parse(text)).toMatchObject({ status: response.status, type: expect.any(String), title: expect.any(String) });
            }
          }),
          // Bounded: about 10 requests a route keeps the whole property well under a minute.
          { numRuns: 10, seed: Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31) },
        );
      }
      // Both the refusals and the routes behind them were reached.
      expect(seen.some((s) => s.startsWith('2'))).toBe(true);
      expect(seen.some((s) => s === '400')).toBe(true);
    }, 120_000);
  });
});
