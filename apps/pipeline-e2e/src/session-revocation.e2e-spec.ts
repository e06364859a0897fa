import { PipelineStack } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };

/**
 * Session tokens are verified by each service on its own; ending one must still reach them all: a
 * signed-out session, and every session of a disabled operator, are refused by every service within
 * moments, and by a service restarted afterwards too.
 */
describe('ended sessions are refused everywhere (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({
    apps: ['api', 'sanction-service', 'notification-service'],
    env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });

  beforeAll(() => stack.start(), 300_000);
  afterAll(() => stack.stop());

  const url = (app: Parameters<PipelineStack['service']>[0], path: string) => `${stack.service(app).baseUrl}${path}`;
  const post = (target: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  /** Signs in and answers the session token (as a script would use it) and the cookie headers. */
  async function signIn(username: string, password: string): Promise<{ token: string; cookie: string; csrf: string }> {
    const response = await post(url('api', '/v1/auth/sign-in'), { username, password });
    expect(response.status).toBe(200);
    const jar = Object.fromEntries(response.headers.getSetCookie().map((c) => c.split(';')[0].split('=') as [string, string]));
    return { token: jar.penalty_session, cookie: `penalty_session=${jar.penalty_session}; penalty_csrf=${jar.penalty_csrf}`, csrf: jar.penalty_csrf };
  }
  const statusWith = async (app: Parameters<PipelineStack['service']>[0], token: string) =>
    (await fetch(url(app, '/v1/merchants/m-1/audit'), { headers: { authorization: `Bearer ${token}` } })).status;
  /** Waits until the service answers `status` for the token (revocations travel through Kafka). */
  async function eventually(app: Parameters<PipelineStack['service']>[0], token: string, status: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    let last = 0;
    while (Date.now() < deadline) {
      last = await statusWith(app, token);
      if (last === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect({ app, status: last }).toEqual({ app, status });
  }

  it('refuses a signed-out session in every service, also after a restart, and leaves other sessions alone', async () => {
    const kept = await signIn(ADMIN.username, ADMIN.password);
    const ended = await signIn(ADMIN.username, ADMIN.password);
    for (const app of ['api', 'sanction-service', 'notification-service'] as const) expect(await statusWith(app, ended.token)).toBe(200);

    const signOut = await post(url('api', '/v1/auth/sign-out'), {}, { cookie: ended.cookie, 'x-csrf-token': ended.csrf });
    expect(signOut.status).toBe(204);
    // The api refuses it at once; the others as soon as the revocation has reached them.
    expect(await statusWith('api', ended.token)).toBe(401);
    await eventually('sanction-service', ended.token, 401);
    await eventually('notification-service', ended.token, 401);
    const refused = await fetch(url('sanction-service', '/v1/merchants/m-1/audit'), { headers: { cookie: ended.cookie } });
    expect(await refused.json()).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
    // Another session of the same operator goes on working.
    for (const app of ['api', 'sanction-service', 'notification-service'] as const) expect(await statusWith(app, kept.token)).toBe(200);

    // A service started afterwards reads what ended before it serves.
    await stack.service('notification-service').restart();
    expect(await statusWith('notification-service', ended.token)).toBe(401);
    expect(await statusWith('notification-service', kept.token)).toBe(200);
  });

  it('ends every session of a disabled operator in every service', async () => {
    const admin = await signIn(ADMIN.username, ADMIN.password);
    const operator = { username: 'rev.gone', password: 'a reviewer who is leaving', roles: ['reviewer'] };
    expect((await post(url('api', '/v1/operators'), operator, { cookie: admin.cookie, 'x-csrf-token': admin.csrf })).status).toBe(201);
    const first = await signIn(operator.username, operator.password);
    const second = await signIn(operator.username, operator.password);
    expect(await statusWith('sanction-service', first.token)).toBe(200);

    const disabled = await post(url('api', `/v1/operators/${operator.username}/disabling`), {}, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    expect(disabled.status).toBe(200);
    for (const session of [first, second]) {
      expect(await statusWith('api', session.token)).toBe(401);
      await eventually('sanction-service', session.token, 401);
      await eventually('notification-service', session.token, 401);
    }
    expect((await post(url('api', '/v1/auth/sign-in'), { username: operator.username, password: operator.password })).status).toBe(401);
    // The admin who did it is unaffected.
    expect(await statusWith('sanction-service', admin.token)).toBe(200);
  });
});
