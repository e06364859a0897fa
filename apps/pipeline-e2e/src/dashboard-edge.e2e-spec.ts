import { DashboardProcess, PipelineStack, requestFrom, type LocalResponse } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
const ALICE = { username: 'alice.ops', password: 'alice has a long passphrase' };
const BOB = { username: 'bob.ops', password: 'bob has a long passphrase too' };
/** Wrong passwords from one client address before it backs off (default 100; low here to reach it quickly). */
const ADDRESS_FREE_FAILURES = 20;

/**
 * The dashboard's server on the real api and PostgreSQL: sign-in throttled per username and per client
 * address through its proxy (which forwards the operator's address; the api believes it from that
 * proxy only, TRUST_PROXY), security headers with a Content-Security-Policy, and /live for signed-in
 * operators only. Clients play different machines from their own loopback addresses (127.0.0.x).
 */
describe('dashboard server: sign-in through the proxy, headers, /live (real PostgreSQL + Kafka)', () => {
  const stack = new PipelineStack({
    apps: ['api'],
    env: {
      BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false',
      // The dashboard's server connects to the api from 127.0.0.1; the test's clients come from other addresses.
      TRUST_PROXY: '127.0.0.1',
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: String(ADDRESS_FREE_FAILURES),
    },
  });
  // An open /live stream checks its session every half second here (a minute by default).
  const dashboard = new DashboardProcess(stack, { LIVE_SESSION_CHECK_MS: '500' });

  beforeAll(async () => {
    await stack.start();
    await dashboard.start();
    const admin = await stack.operatorHeaders('admin');
    for (const operator of [ALICE, BOB]) {
      const created = await fetch(`${stack.service('api').baseUrl}/v1/operators`, { method: 'POST', headers: admin, body: JSON.stringify({ ...operator, roles: ['viewer'] }) });
      expect(created.status).toBe(201);
    }
  }, 300_000);

  afterAll(async () => {
    await dashboard.stop();
    await stack.stop();
  });

  /** Sign-in through the dashboard's proxy, as the page does, from the client address `from`. */
  const signIn = (from: string, credentials: { username: string; password: string }, headers: Record<string, string> = {}) =>
    requestFrom(from, `${dashboard.url}/svc/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(credentials) });
  const json = (response: LocalResponse) => JSON.parse(response.body) as Record<string, unknown>;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('sign-in throttling', () => {
    it("ten wrong passwords for one name do not stop another operator's sign-in; that name waits out its backoff", async () => {
      // Ten wrong passwords for Alice, each after the wait the previous refusal asked for.
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const response = await signIn('127.0.0.2', { username: ALICE.username, password: `guess ${i}` });
        statuses.push(response.status);
        if (response.status === 429 && i < 9) await sleep(Number(response.headers['retry-after']) * 1000);
      }

      // Another operator behind the same proxy, even from the guessing machine, signs in at once.
      expect((await signIn('127.0.0.3', BOB)).status).toBe(200);
      expect((await signIn('127.0.0.2', BOB)).status).toBe(200);

      // Five wrong passwords are free, then the name backs off: 1 s, 2 s, 4 s (refusals are neither checked nor counted).
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 401, 429, 401, 429]);

      // Alice's own correct password waits for the backoff, which says how long in Retry-After.
      const refused = await signIn('127.0.0.3', ALICE);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(json(refused)).toMatchObject({ status: 429, code: 'AUTH.SIGN_IN_THROTTLED' });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(4);
      await sleep(retryAfter * 1000);
      const after = await signIn('127.0.0.3', ALICE);
      expect(after.status).toBe(200);
      expect(json(after)).toMatchObject({ username: ALICE.username });
    });

    it('backs off a client address that sprays wrong passwords, by the address the proxy forwards, which a client cannot choose', async () => {
      // A machine tries many names; past its allowance it waits, and keeps failing until the wait is 8 s.
      let wait = 0;
      for (let i = 0; wait < 8; i++) {
        const response = await signIn('127.0.0.4', { username: `sprayed-${i}`, password: 'Summer2026!' });
        if (response.status === 429) {
          wait = Number(response.headers['retry-after']);
          if (wait < 8) await sleep(wait * 1000);
        } else expect(response.status).toBe(401);
        expect(i).toBeLessThan(ADDRESS_FREE_FAILURES + 10);
      }
      // That machine is refused even with a right password, and naming another address does not help:
      // the proxy replaces X-Forwarded-For, and the api believes it only from the proxy.
      const refused = await signIn('127.0.0.4', BOB);
      expect(refused.status).toBe(429);
      expect(json(refused).detail).toMatch(/from this address/);
      expect((await signIn('127.0.0.4', BOB, { 'x-forwarded-for': '127.0.0.8' })).status).toBe(429);
      const direct = await requestFrom('127.0.0.4', `${stack.service('api').baseUrl}/v1/auth/sign-in`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '127.0.0.8' }, body: JSON.stringify(BOB),
      });
      expect(direct.status).toBe(429);

      // Another machine behind the same proxy is not affected, and the audit trail records its own address.
      expect((await signIn('127.0.0.5', BOB)).status).toBe(200);
      const audit = await fetch(`${stack.service('api').baseUrl}/v1/audit?actor=${BOB.username}&limit=50`, { headers: await stack.operatorHeaders('admin') });
      const entries = ((await audit.json()) as { items: { action: string; details: { address?: string } }[] }).items;
      expect(entries.filter((e) => e.action === 'AUTH.SIGN_IN').map((e) => e.details.address).sort()).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.5']);
    });
  });

  describe('headers', () => {
    it('serves the app with security headers and a Content-Security-Policy without inline scripts', async () => {
      const page = await requestFrom('127.0.0.6', `${dashboard.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers['x-powered-by']).toBeUndefined();
      const csp = String(page.headers['content-security-policy']);
      const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));
      expect(directive('default-src')).toBe("default-src 'self'");
      expect(directive('script-src')).toBe("script-src 'self'");
      expect(directive('object-src')).toBe("object-src 'none'");
      expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
      // The built page loads its code from files only: 'self' scripts suffice.
      const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, inline] of scripts) {
        expect(attributes).toMatch(/\bsrc="\/assets\//);
        expect(inline.trim()).toBe('');
      }
      // A client-side route and an asset carry the same headers; so do the services' answers through the proxy.
      for (const path of ['/merchants/m-1', `/${/src="\/(assets\/[^"]+)"/.exec(page.body)![1]}`, '/svc/api/health/live']) {
        const response = await requestFrom('127.0.0.6', `${dashboard.url}${path}`);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        expect({ path, poweredBy: response.headers['x-powered-by'] }).toEqual({ path, poweredBy: undefined });
        expect({ path, csp: response.headers['content-security-policy'] }).toEqual({ path, csp: expect.stringContaining("script-src 'self'") });
      }
    });
  });

  describe('/live', () => {
    /** Opens /live, reads its first event (or the refusal), and closes it. */
    async function live(headers: Record<string, string>): Promise<{ status: number; contentType: string | null; first: string }> {
      const controller = new AbortController();
      const response = await fetch(`${dashboard.url}/live`, { headers, signal: controller.signal });
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      controller.abort();
      return { status: response.status, contentType: response.headers.get('content-type'), first: new TextDecoder().decode(value) };
    }

    it('streams the figures to a signed-in operator only, ends an open stream when its session ends, and refuses it after', async () => {
      const anonymous = await live({});
      expect(anonymous.status).toBe(401);
      expect(anonymous.contentType).toContain('application/problem+json');
      expect(JSON.parse(anonymous.first)).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
      expect((await live({ cookie: 'penalty_session=forged.token.value' })).status).toBe(401);
      expect((await live({ authorization: `Bearer ${await stack.operatorToken('viewer')}x` })).status).toBe(401);

      const signedIn = await signIn('127.0.0.7', BOB);
      expect(signedIn.status).toBe(200);
      const jar = Object.fromEntries((signedIn.headers['set-cookie'] as string[]).map((c) => c.split(';')[0].split('=') as [string, string]));
      const cookie = `penalty_session=${jar.penalty_session}; penalty_csrf=${jar.penalty_csrf}`;
      const stream = await live({ cookie });
      expect(stream.status).toBe(200);
      expect(stream.contentType).toContain('text/event-stream');
      expect(stream.first).toMatch(/^event: history\ndata: \[/);

      // A stream left open while its operator signs out is ended by the server.
      const controller = new AbortController();
      const open = await fetch(`${dashboard.url}/live`, { headers: { cookie }, signal: controller.signal });
      const reader = open.body!.getReader();
      await reader.read();
      const ended = (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })().catch(() => 'aborted');

      const signedOut = await fetch(`${dashboard.url}/svc/api/v1/auth/sign-out`, { method: 'POST', headers: { cookie, 'x-csrf-token': jar.penalty_csrf } });
      expect(signedOut.status).toBe(204);
      expect(await Promise.race([ended, sleep(10_000).then(() => 'still open')])).toBe('ended');
      controller.abort();
      expect((await live({ cookie })).status).toBe(401);
    });
  });
});
