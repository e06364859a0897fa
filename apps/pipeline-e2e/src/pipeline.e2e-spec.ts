import { createHmac } from 'node:crypto';
import { Topics, deadLetterTopicOf } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';
import { WebhookReceiver } from './webhook-receiver';

/**
 * The whole pipeline on a real Kafka broker and PostgreSQL: violation -> points -> ladder sanctions
 * -> notifications, plus duplicates, dead letters and the HTTP entry points.
 */
describe('penalty pipeline (real Kafka + PostgreSQL)', () => {
  const webhooks = new WebhookReceiver();
  const stack = new PipelineStack({ env: { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '100' } });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await webhooks.start();
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, stack.allTopics());
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
    await webhooks.stop();
  });

  const on = (topic: string, type: string | undefined, merchantId: string) => (m: RecordedMessage) =>
    m.topic === stack.topic(topic) && m.key === merchantId && (type === undefined || m.json?.type === type);
  const assessedFor = (merchantId: string, count: number) => recorder.waitFor(on(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1', merchantId), count);
  const imposedFor = (merchantId: string, count: number) => recorder.waitFor(on(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId), count);
  const api = () => stack.service('api').baseUrl;

  it('walks a merchant up the serious ladder: 12, 24, 36 and 48 points, each node with its measures and fine', async () => {
    const merchantId = aMerchantId('ladder');
    // A drug store: 300,000 CNY deposit, so forfeiture at 48 takes what is left after the three fines.
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, categories: ['OTC_DRUGS_MEDICAL_DEVICES'], webhookUrl: webhooks.url(`/ok/${merchantId}`) })]);
    await waitForStanding(merchantId, (s) => s.deposit.requiredFen === 30_000_000);

    const expectations = [
      { node: 12, fine: 2_000_000, timed: 7, ban: 30, types: ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'MESSAGING_RESTRICTION', 'STORE_CREATION_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING', 'MARKETING_BAN'] },
      { node: 24, fine: 3_000_000, timed: 14, ban: 60, types: ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'STORE_CREATION_RESTRICTION', 'MESSAGING_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING', 'MARKETING_BAN', 'DELIST_ALL_ITEMS'] },
      { node: 36, fine: 4_000_000, timed: 21, ban: 90, types: ['STORE_CLOSURE', 'MESSAGING_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING', 'MARKETING_BAN'] },
      { node: 48, fine: 30_000_000 - 9_000_000, timed: 0, ban: 0, types: ['TERMINATION', 'ACCOUNT_SEAL', 'DEPOSIT_FORFEITURE'] },
    ];
    for (const [i, expected] of expectations.entries()) {
      await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
      const assessed = (await assessedFor(merchantId, i + 1))[i].json!;
      expect(assessed.data).toMatchObject({ merchantId, track: 'SERIOUS', points: 12, waiver: null, naturalYear: 2026, ruleVersion: '2022-06-27' });
      expect(assessed.data.totals).toEqual({ general: 0, serious: 12 * (i + 1) });

      const sanction = (await imposedFor(merchantId, i + 1))[i].json!.data;
      expect(sanction.cause).toMatchObject({ kind: 'LADDER_NODE', node: expected.node, naturalYear: 2026 });
      expect(sanction.cause.violationIds).toHaveLength(i + 1);
      expect(sanction.fine).toEqual({ amountFen: expected.fine, currency: 'CNY' });
      expect(sanction.measures.map((m: { type: string }) => m.type).sort()).toEqual([...expected.types].sort());
      for (const measure of sanction.measures as { type: string; startsAt: string; endsAt: string | null }[]) {
        const days = measure.endsAt === null ? null : (Date.parse(measure.endsAt) - Date.parse(measure.startsAt)) / 86_400_000;
        const expectedDays = measure.type === 'MARKETING_BAN' ? expected.ban : ['DELIST_ALL_ITEMS', 'TERMINATION', 'ACCOUNT_SEAL', 'DEPOSIT_FORFEITURE'].includes(measure.type) ? null : expected.timed;
        expect([measure.type, days]).toEqual([measure.type, expectedDays]);
        expect(measure.startsAt).toMatch(/\+08:00$/);
      }
      expect(Date.parse(sanction.appealDeadline) - Date.parse(sanction.measures[0].startsAt)).toBe(15 * 86_400_000);
    }

    // The deposit comes on another topic than the sanction: wait for both facts before asserting them.
    const standing = await waitForStanding(merchantId, (s) => s.points.serious === 48 && s.activeMeasures.some((m) => m.type === 'TERMINATION') && s.deposit.balanceFen === 0);
    expect(standing.naturalYear).toBe(2026);
    expect(standing.points).toEqual({ general: 0, serious: 48 });
    expect(standing.deposit).toEqual({ requiredFen: 30_000_000, balanceFen: 0, topUpDueAt: null });

    // Every decision reaches the merchant's inbox and its webhook, signed: 4 penalties, 4 sanctions and
    // 5 deposit changes (the requirement, three fines, the forfeiture).
    const sent = await recorder.waitFor(on(Topics.NotificationsSentV1, 'notification.sent.v1', merchantId), 26);
    const channels = sent.map((m) => `${m.json!.data.channel}:${m.json!.data.status}`);
    expect(channels.filter((c) => c === 'INBOX:DELIVERED')).toHaveLength(13);
    expect(channels.filter((c) => c === 'WEBHOOK:DELIVERED')).toHaveLength(13);
    expect(sent.filter((m) => m.json!.data.channel === 'INBOX').map((m) => m.json!.data.template).sort()).toEqual(
      [...Array(4).fill('penalty-assessed'), ...Array(4).fill('sanction-imposed'), 'deposit-shortfall', 'deposit-shortfall', 'deposit-shortfall', 'deposit-updated', 'deposit-updated'].sort(),
    );
    const delivery = webhooks.received.find((w) => w.path === `/ok/${merchantId}`)!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['x-penalty-signature']))!;
    expect(v1).toBe(createHmac('sha256', 'integration-test-signing-secret').update(`${t}.${delivery.body}`).digest('hex'));
    const inbox: any = await (await fetch(`${stack.service('notification-service').baseUrl}/v1/merchants/${merchantId}/inbox`, { headers: await stack.operatorHeaders('viewer') })).json();
    expect(inbox.items).toHaveLength(13);
    expect(inbox.items.map((i: { title: string }) => i.title)).toEqual(expect.arrayContaining(['处罚通知', '违规扣分通知']));
  });

  it('imposes only the highest node when one event passes several, and records the others as skipped', async () => {
    const merchantId = aMerchantId('jump');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'FRAUD', severity: 'STANDARD' })]);
    await imposedFor(merchantId, 1);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'FRAUD', severity: 'SEVERE' })]);
    const [, jump] = await imposedFor(merchantId, 2);
    expect(jump.json!.data.cause.node).toBe(48);
    expect((await assessedFor(merchantId, 2))[1].json!.data.totals.serious).toBe(60);
    // No profile: the deposit is unknown, so forfeiture carries no amount.
    expect(jump.json!.data.fine).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect(recorder.matching(on(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId))).toHaveLength(2);
    const standing = await waitForStanding(merchantId, (s) => s.points.serious === 60);
    expect(standing.deposit).toEqual({ requiredFen: null, balanceFen: null, topUpDueAt: null });
  });

  it('applies the self-check chance: first AD_INFO of the year 0 points, the second 1 point', async () => {
    const merchantId = aMerchantId('selfcheck');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'STANDARD', occurredAt: '2026-06-25T10:00:00+08:00' })]);
    await assessedFor(merchantId, 1);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'STANDARD', occurredAt: '2026-10-01T10:00:00+08:00' })]);
    const [first, second] = await assessedFor(merchantId, 2);
    expect(first.json!.data).toMatchObject({ track: 'GENERAL', points: 0, waiver: 'SELF_CHECK', totals: { general: 0, serious: 0 } });
    expect(second.json!.data).toMatchObject({ track: 'GENERAL', points: 1, waiver: null, totals: { general: 1, serious: 0 } });
  });

  it('counts a violation at 2024-01-01T00:10+08:00 in natural year 2024 although it is 2023 in UTC', async () => {
    const merchantId = aMerchantId('newyear');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR', occurredAt: '2024-01-01T00:10:00+08:00' })]);
    const [assessed] = await assessedFor(merchantId, 1);
    expect(assessed.json!.data).toMatchObject({ naturalYear: 2024, points: 1, track: 'GENERAL' });
  });

  it('applies an event delivered twice once, and a second event for the same violationId not at all', async () => {
    const merchantId = aMerchantId('dup');
    const event = aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'SEVERE' });
    await stack.publish(Topics.ViolationsDetectedV1, [event, event]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'SEVERE', violationId: event.data.violationId })]);
    // A later, different violation proves the duplicates were consumed before it.
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })]);
    const assessed = await assessedFor(merchantId, 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(recorder.matching(on(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1', merchantId))).toHaveLength(2);
    expect(assessed.map((a) => a.json!.data.totals.general)).toEqual([6, 7]);
  });

  it('dead-letters an unparseable, a schema-invalid and an unknown-code event with the reason, and goes on', async () => {
    const merchantId = aMerchantId('poison');
    const invalid = aViolationEvent({ merchantId });
    (invalid.data as Record<string, unknown>).severity = 'CATASTROPHIC';
    delete (invalid.data as Record<string, unknown>).detectedBy;
    await stack.publishRaw(Topics.ViolationsDetectedV1, [
      { key: merchantId, value: '{"specversion": "1.0", not json' },
      { key: merchantId, value: JSON.stringify(invalid) },
      { key: merchantId, value: JSON.stringify(aViolationEvent({ merchantId, code: 'SELLING_MOON_ROCKS' })) },
      { key: merchantId, value: JSON.stringify(aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'STANDARD' })) },
    ]);
    const dead = await recorder.waitFor(on(deadLetterTopicOf(Topics.ViolationsDetectedV1), undefined, merchantId), 3);
    expect(dead.map((d) => d.headers['x-dlq-reason'])).toEqual(['UNPARSEABLE', 'DATA_INVALID', 'UNKNOWN_VIOLATION_CODE']);
    expect(dead[1].headers['x-dlq-message']).toContain('data.severity');
    expect(dead[1].headers['x-dlq-message']).toContain('data.detectedBy');
    expect(dead[2].headers['x-dlq-message']).toContain('data.code');
    expect(dead.every((d) => d.headers['x-dlq-source-topic'] === Topics.ViolationsDetectedV1)).toBe(true);
    expect(dead[0].value).toBe('{"specversion": "1.0", not json');
    const [assessed] = await assessedFor(merchantId, 1);
    expect(assessed.json!.data).toMatchObject({ points: 3, track: 'GENERAL' });
  });

  it('accepts a violation over HTTP with 202 once, and answers a duplicate POST without publishing it again', async () => {
    const merchantId = aMerchantId('http');
    const event = aViolationEvent({ merchantId, code: 'FAKE_TRANSACTION', severity: 'MINOR' });
    const post = () => fetch(`${api()}/v1/violations`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': stack.apiKey }, body: JSON.stringify(event) });
    const first = await post();
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ id: event.id, status: 'ACCEPTED' });
    const again = await post();
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ id: event.id, status: 'DUPLICATE' });
    const [assessed] = await assessedFor(merchantId, 1);
    expect(assessed.json!.data).toMatchObject({ violationId: event.data.violationId, points: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(recorder.matching(on(Topics.ViolationsDetectedV1, 'violation.detected.v1', merchantId))).toHaveLength(1);
  });

  it('answers an invalid POST with RFC 9457 problem details naming each bad field', async () => {
    const event = aViolationEvent({ merchantId: aMerchantId('bad') });
    Object.assign(event.data, { code: 'NOT_A_CODE', severity: 'HUGE', occurredAt: '2026-11-20 10:00' });
    const response = await fetch(`${api()}/v1/violations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey }, body: JSON.stringify(event) });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem: any = await response.json();
    expect(problem).toMatchObject({ status: 400, title: expect.any(String), type: expect.stringContaining('http') });
    const fields = problem.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['data.code', 'data.severity', 'data.occurredAt']));

    const malformed = await fetch(`${api()}/v1/violations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey }, body: '{"id": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
  });

  it('marks a webhook FAILED after its last attempt while the inbox copy is delivered', async () => {
    const merchantId = aMerchantId('hookfail');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, webhookUrl: webhooks.url(`/fail/${merchantId}`) })]);
    await waitForStanding(merchantId, (s) => s.deposit.requiredFen !== null);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })]);
    const assessed = (m: RecordedMessage) => on(Topics.NotificationsSentV1, 'notification.sent.v1', merchantId)(m) && m.json!.data.template === 'penalty-assessed';
    const sent = await recorder.waitFor(assessed, 2);
    const byChannel = Object.fromEntries(sent.map((m) => [m.json!.data.channel, m.json!.data]));
    expect(byChannel.INBOX).toMatchObject({ status: 'DELIVERED', attempts: 1, template: 'penalty-assessed' });
    expect(byChannel.WEBHOOK).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(webhooks.received.filter((w) => w.path === `/fail/${merchantId}` && JSON.parse(w.body).type === 'penalty.assessed.v1')).toHaveLength(3);
  });

  it('answers 404 problem details for a merchant it has never heard of, and serves OpenAPI and metrics', async () => {
    const response = await fetch(`${api()}/v1/merchants/nobody-${stack.id}/standing`, { headers: await stack.operatorHeaders('viewer') });
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).code).toBe('MERCHANT.NOT_FOUND');
    const openapi: any = await (await fetch(`${api()}/docs/openapi.json`)).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/violations', '/v1/violations:batch', '/v1/merchants/{merchantId}/standing']));
    const metrics = await (await fetch(`${stack.service('scoring-service').baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/penalty_events_processed_total\{[^}]*topic="violations.detected.v1"[^}]*\} [1-9]/);
  });

  it('lets an operator lift measures early: audited, published as OPERATOR, gone from standing; refusals are problem details', async () => {
    const merchantId = aMerchantId('oplift');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'PRIVACY_LEAK', severity: 'STANDARD' })]);
    const [imposed] = await imposedFor(merchantId, 1);
    const sanctionId = imposed.json!.data.sanctionId;
    await waitForStanding(merchantId, (s) => s.activeMeasures.length === 7);
    const sanctionService = stack.service('sanction-service').baseUrl;
    const admin = { authorization: `Bearer ${await stack.operatorToken('admin', 'ops.li@marketplace')}` };
    const lift = (body: unknown, headers: Record<string, string> = admin, id = sanctionId) =>
      fetch(`${sanctionService}/v1/sanctions/${id}/lifts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    const lifted = await lift({ measureTypes: ['STORE_SHIELDING', 'MARKETING_BAN'], reason: 'Counterfeit claim withdrawn by the brand owner' });
    expect(lifted.status).toBe(200);
    expect(((await lifted.json()) as any).measureTypes).toEqual(['STORE_SHIELDING', 'MARKETING_BAN']);
    const [event] = await recorder.waitFor(on(Topics.SanctionsDecidedV1, 'sanction.lifted.v1', merchantId));
    expect(event.json!.data).toMatchObject({ sanctionId, reason: 'OPERATOR', measureTypes: ['STORE_SHIELDING', 'MARKETING_BAN'] });
    const standing = await waitForStanding(merchantId, (s) => s.activeMeasures.length === 5);
    expect(standing.activeMeasures.map((m) => m.type)).not.toEqual(expect.arrayContaining(['STORE_SHIELDING']));

    const audit: any = await (await fetch(`${sanctionService}/v1/merchants/${merchantId}/audit`, { headers: admin })).json();
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: 'ops.li@marketplace', action: 'SANCTION.LIFT', subjectType: 'SANCTION', subjectId: sanctionId,
      reason: 'Counterfeit claim withdrawn by the brand owner', details: { measureTypes: ['STORE_SHIELDING', 'MARKETING_BAN'] },
    });

    // Nobody signed in: 401; a reviewer may not lift (admins only): 403.
    const noActor = await lift({ reason: 'no identity given' }, {});
    expect(noActor.status).toBe(401);
    expect(((await noActor.json()) as any).code).toBe('AUTH.UNAUTHENTICATED');
    const reviewer = await lift({ reason: 'not allowed to' }, { authorization: `Bearer ${await stack.operatorToken('reviewer')}` });
    expect(reviewer.status).toBe(403);
    const again = await lift({ measureTypes: ['STORE_SHIELDING'], reason: 'lifted twice by mistake' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).code).toBe('SANCTION.NOTHING_TO_LIFT');
    const unknown = await lift({ reason: 'no such sanction' }, undefined, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const invalid = await lift({ measureTypes: ['TELEPORTATION'], reason: '' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as any).errors.map((e: { field: string }) => e.field).sort()).toEqual(['measureTypes', 'reason']);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(recorder.matching(on(Topics.SanctionsDecidedV1, 'sanction.lifted.v1', merchantId))).toHaveLength(1);
    expect(((await (await fetch(`${sanctionService}/v1/merchants/${merchantId}/audit`, { headers: admin })).json()) as any).items).toHaveLength(1);
  });

  interface Standing {
    naturalYear: number;
    points: { general: number; serious: number };
    activeMeasures: { type: string; sanctionId: string; endsAt: string | null }[];
    deposit: { requiredFen: number | null; balanceFen: number | null; topUpDueAt: string | null };
  }

  async function waitForStanding(merchantId: string, ready: (s: Standing) => boolean, timeoutMs = 60_000): Promise<Standing> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const response = await fetch(`${api()}/v1/merchants/${merchantId}/standing`, { headers: await stack.operatorHeaders('viewer') });
      last = await response.json();
      if (response.ok && ready(last as Standing)) return last as Standing;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`standing of ${merchantId} never matched; last: ${JSON.stringify(last)}`);
  }
});
