import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
const EVIL_STRINGS = [`x'; DROP TABLE appeal; --`, `' OR '1'='1`, `<script>alert(document.cookie)</script>`, `"><img src=x onerror=alert(1)>`, `%27%20OR%201=1--`];

/**
 * Issue 4's security on the real stack: sign-in with an http-only session cookie and CSRF, each role
 * refused what it may not do, API keys scoped and revoked at once, throttled sign-in, and injection
 * attempts in paths and text fields stored and answered as plain data.
 */
describe('security: sign-in, roles, API keys, injection (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({
    env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.SanctionsDecidedV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
  });

  const url = (app: Parameters<PipelineStack['service']>[0], path: string) => `${stack.service(app).baseUrl}${path}`;
  const post = (target: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const signIn = (username: string, password: string) => post(url('api', '/v1/auth/sign-in'), { username, password });
  const cookiesOf = (response: Response) => Object.fromEntries(response.headers.getSetCookie().map((c) => c.split(';')[0].split('=') as [string, string]));

  it('signs in with an http-only session cookie; cookie-borne changes need the CSRF header', async () => {
    const wrong = await signIn(ADMIN.username, 'not the password');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'AUTH.SIGN_IN_FAILED' });

    const ok = await signIn(ADMIN.username, ADMIN.password);
    expect(ok.status).toBe(200);
    const session = (await ok.json()) as { roles: string[]; csrfToken: string };
    expect(session.roles).toEqual(['admin']);
    const setCookies = ok.headers.getSetCookie();
    const sessionCookie = setCookies.find((c) => c.startsWith('penalty_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Strict/i);
    expect(sessionCookie).toMatch(/Secure/i);
    expect(setCookies.find((c) => c.startsWith('penalty_csrf='))).not.toMatch(/HttpOnly/i);
    const jar = cookiesOf(ok);
    const cookie = `penalty_session=${jar.penalty_session}; penalty_csrf=${jar.penalty_csrf}`;

    const me = await fetch(url('api', '/v1/auth/me'), { headers: { cookie } });
    expect(await me.json()).toMatchObject({ subject: ADMIN.username, roles: ['admin'], via: 'SESSION' });

    const reviewer = { username: 'rev.wang', password: 'a long reviewer passphrase', roles: ['reviewer'] };
    const forged = await post(url('api', '/v1/operators'), reviewer, { cookie });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ code: 'AUTH.CSRF' });
    const wrongToken = await post(url('api', '/v1/operators'), reviewer, { cookie, 'x-csrf-token': 'guessed' });
    expect(wrongToken.status).toBe(403);
    const created = await post(url('api', '/v1/operators'), reviewer, { cookie, 'x-csrf-token': session.csrfToken });
    expect(created.status).toBe(201);

    // The session is honoured by every service (they share its signing secret).
    expect((await fetch(url('sanction-service', `/v1/merchants/m-none/audit`), { headers: { cookie } })).status).toBe(200);
    const asReviewer = cookiesOf(await signIn(reviewer.username, reviewer.password));
    const lift = await post(url('sanction-service', '/v1/sanctions/00000000-0000-4000-8000-000000000000/lifts'), { reason: 'not mine to lift' }, {
      cookie: `penalty_session=${asReviewer.penalty_session}`, 'x-csrf-token': asReviewer.penalty_csrf,
    });
    expect(lift.status).toBe(403);

    // Roles for some marketplaces only: kept with the account, carried by its session into every service.
    const admin = { cookie, 'x-csrf-token': session.csrfToken };
    const badScope = await post(url('api', '/v1/operators'), { username: 'rev.bad', password: 'a long reviewer passphrase', roles: ['reviewer'], marketplaces: ['Tmall Global'] }, admin);
    expect(badScope.status).toBe(400);
    expect(JSON.stringify(await badScope.json())).toContain('marketplaces');
    const scoped = { username: 'rev.global', password: 'a long reviewer passphrase', roles: ['reviewer'], marketplaces: ['tmall-global'] };
    const scopedCreated = await post(url('api', '/v1/operators'), scoped, admin);
    expect(scopedCreated.status).toBe(201);
    expect(await scopedCreated.json()).toMatchObject({ username: scoped.username, marketplaces: ['tmall-global'] });
    const scopedSignIn = await signIn(scoped.username, scoped.password);
    expect(await scopedSignIn.clone().json()).toMatchObject({ roles: ['reviewer'], marketplaces: ['tmall-global'] });
    const scopedJar = cookiesOf(scopedSignIn);
    expect(await (await fetch(url('api', '/v1/auth/me'), { headers: { cookie: `penalty_session=${scopedJar.penalty_session}` } })).json()).toMatchObject({ subject: scoped.username, marketplaces: ['tmall-global'] });
    // An account made without marketplaces acts for every marketplace, as before.
    expect(await (await fetch(url('api', '/v1/auth/me'), { headers: { cookie } })).json()).not.toHaveProperty('marketplaces');
  });

  describe('each role is refused what it may not do', () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    // route, the least role it needs
    const routes: [string, Parameters<PipelineStack['service']>[0], 'GET' | 'POST', string, 'viewer' | 'reviewer' | 'admin'][] = [
      ['standing', 'api', 'GET', '/v1/merchants/m-1/standing', 'viewer'],
      ['cases', 'api', 'GET', '/v1/merchants/m-1/cases', 'viewer'],
      ['inbox', 'notification-service', 'GET', '/v1/merchants/m-1/inbox', 'viewer'],
      ['exam chances', 'scoring-service', 'GET', '/v1/merchants/m-1/exam-chances', 'viewer'],
      ["a merchant's audit trail", 'scoring-service', 'GET', '/v1/merchants/m-1/audit', 'viewer'],
      ["a service's whole audit trail", 'sanction-service', 'GET', '/v1/audit', 'admin'],
      ['list operators', 'api', 'GET', '/v1/operators', 'admin'],
      ['disable an operator', 'api', 'POST', '/v1/operators/nobody.here/disabling', 'admin'],
      ['grant an exam chance', 'scoring-service', 'POST', '/v1/merchants/m-1/exam-chances', 'reviewer'],
      ['decide an appeal', 'scoring-service', 'POST', `/v1/penalties/v-1/appeals/${uuid}/decision`, 'reviewer'],
      ['review a remediation', 'sanction-service', 'POST', `/v1/forgery-cases/${uuid}/remediation/review`, 'reviewer'],
      ['lift a sanction', 'sanction-service', 'POST', `/v1/sanctions/${uuid}/lifts`, 'admin'],
      ['record a deposit payment', 'sanction-service', 'POST', '/v1/merchants/m-1/deposit/payments', 'admin'],
      ['create an operator', 'api', 'POST', '/v1/operators', 'admin'],
      ['issue an API key', 'api', 'POST', '/v1/api-keys', 'admin'],
      ['report a violation by hand', 'api', 'POST', '/v1/violations', 'admin'],
      ['report violations in a batch by hand', 'api', 'POST', '/v1/violations:batch', 'admin'],
    ];
    const ranks = ['viewer', 'reviewer', 'admin'] as const;

    it.each(routes)('%s', async (_name, app, method, path, needed) => {
      const call = async (headers: Record<string, string>) =>
        (await fetch(url(app, path), { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'POST' ? '{}' : undefined })).status;
      expect(await call({})).toBe(401);
      expect(await call({ authorization: 'Bearer not-a-token' })).toBe(401);
      for (const role of ranks) {
        const status = await call(await stack.operatorHeaders(role));
        if (ranks.indexOf(role) < ranks.indexOf(needed)) expect({ role, status }).toEqual({ role, status: 403 });
        else expect({ role, status: [401, 403].includes(status) }).toEqual({ role, status: false });
      }
    });

    it('refuses a session token signed with another secret, or expired', async () => {
      // Change the signature's first character: it carries six whole bits (the last one may carry padding only, or already be the replacement).
      const [header, payload, signature] = (await stack.operatorToken('admin')).split('.');
      const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      const forged = await fetch(url('api', '/v1/operators'), { headers: { authorization: `Bearer ${tampered}` } });
      expect(forged.status).toBe(401);
    });
  });

  it('scopes API keys, and a revoked key stops working at once', async () => {
    const admin = await stack.operatorHeaders('admin');
    const issued = await post(url('api', '/v1/api-keys'), { name: 'listing-audit', scopes: ['violations:write'] }, admin);
    expect(issued.status).toBe(201);
    const { key, keyId } = (await issued.json()) as { key: string; keyId: string };
    const listed = (await (await fetch(url('api', '/v1/api-keys'), { headers: admin })).json()) as { items: Record<string, unknown>[] };
    // pk_<id>_<secret>: the secret (base64url, may itself hold '_') is never listed.
    expect(JSON.stringify(listed)).not.toContain(/^pk_[0-9a-f]+_(.+)$/.exec(key)![1]);

    const merchantId = aMerchantId('keyed');
    const report = () => post(url('api', '/v1/violations'), aViolationEvent({ merchantId }), { 'x-api-key': key });
    expect((await report()).status).toBe(202);
    const reportBatch = () => post(url('api', '/v1/violations:batch'), [aViolationEvent({ merchantId })], { 'x-api-key': key });
    expect((await reportBatch()).status).toBe(200);
    // Outside its scope: no standing reads, no operator routes.
    expect((await fetch(url('api', `/v1/merchants/${merchantId}/standing`), { headers: { 'x-api-key': key } })).status).toBe(403);
    expect((await fetch(url('api', '/v1/operators'), { headers: { 'x-api-key': key } })).status).toBe(403);
    expect((await fetch(url('sanction-service', `/v1/merchants/${merchantId}/audit`), { headers: { 'x-api-key': key } })).status).toBe(401);

    const revoked = await post(url('api', `/v1/api-keys/${keyId}/revocation`), { reason: 'key leaked in a log' }, admin);
    expect(revoked.status).toBe(200);
    const after = await report();
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    expect((await reportBatch()).status).toBe(401);
    expect((await post(url('api', '/v1/violations'), aViolationEvent({ merchantId }), { 'x-api-key': `${key.slice(0, -1)}A` })).status).toBe(401);
  });

  it('stores and answers injection attempts as plain data', async () => {
    const reviewer = await stack.operatorHeaders('reviewer');
    const merchantId = aMerchantId('inject');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]);
    const violation = aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS' });
    await stack.publish(Topics.ViolationsDetectedV1, [violation]);
    const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');

    for (const evil of EVIL_STRINGS) {
      // In path parameters of every read: a 404 or an empty list, never an error or another merchant's data.
      for (const [app, path] of [
        ['api', `/v1/merchants/${encodeURIComponent(evil)}/standing`],
        ['api', `/v1/merchants/${encodeURIComponent(evil)}/cases`],
        ['notification-service', `/v1/merchants/${encodeURIComponent(evil)}/inbox`],
        ['sanction-service', `/v1/merchants/${encodeURIComponent(evil)}/forgery-cases`],
        ['sanction-service', `/v1/merchants/${encodeURIComponent(evil)}/audit`],
        ['scoring-service', `/v1/merchants/${encodeURIComponent(evil)}/appeals`],
      ] as const) {
        const response = await fetch(url(app, path), { headers: reviewer });
        expect({ path, status: response.status }).toEqual({ path, status: expect.any(Number) });
        expect([200, 400, 404]).toContain(response.status);
        expect(response.headers.get('content-type')).toMatch(/json/);
        const body = (await response.json()) as { items?: unknown[] };
        if (response.status === 200 && body.items) expect(body.items).toEqual([]);
      }
      // As a sign-in name: refused like any wrong password.
      expect((await signIn(evil, evil)).status).toBe(401);
    }

    // In free text: kept verbatim, answered as JSON, and the tables keep working.
    const statement = EVIL_STRINGS.join(' | ');
    const filed = await post(url('sanction-service', `/v1/sanctions/${imposed.json!.data.sanctionId}/appeals`), {
      statement,
      evidence: [{ kind: EVIL_STRINGS[2], issuer: EVIL_STRINGS[0], validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-01-01T00:00:00+08:00', sha256: 'b'.repeat(64) }],
    }, reviewer);
    expect(filed.status).toBe(201);
    expect(filed.headers.get('content-type')).toMatch(/application\/json/);
    const listed = (await (await fetch(url('sanction-service', `/v1/merchants/${merchantId}/appeals`), { headers: reviewer })).json()) as { items: { statement: string; evidence: { kind: string }[] }[] };
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0].statement).toBe(statement);
    expect(listed.items[0].evidence[0].kind).toBe(EVIL_STRINGS[2]);
  });

  it('throttles wrong passwords per username (429 with Retry-After), not the other names of the client', async () => {
    // Five wrong passwords for a name are free (SIGN_IN_FREE_FAILURES_PER_USERNAME), then it backs off.
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 12; i++) {
      const response = await signIn('nobody', 'wrong');
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, ...Array(7).fill(429)]);
    expect(limited?.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited?.json()).toMatchObject({ status: 429, code: 'AUTH.SIGN_IN_THROTTLED' });
    // The same client signs in as someone else at once.
    expect((await signIn(ADMIN.username, ADMIN.password)).status).toBe(200);
  });
});
