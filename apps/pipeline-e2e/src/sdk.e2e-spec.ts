import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import {
  DecisionSubscriber,
  KafkaEventProducer,
  merchantProfileEvent,
  PenaltyApiError,
  PenaltyHttpClient,
  readWebhook,
  verifyWebhook,
  violationDetectedEvent,
  WEBHOOK_SIGNATURE_HEADER,
  type DecisionEvent,
  type DecisionEventOf,
} from '@penalty/sdk';
import { aMerchantId, PipelineStack } from '@penalty/testing';
import { WebhookReceiver } from './webhook-receiver';

const SIGNING_SECRET = 'integration-test-signing-secret';

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The SDK end to end, as a platform system and a merchant's system would use it: a profile sent to
 * Kafka with KafkaEventProducer, a violation reported over HTTP with PenaltyHttpClient, the penalty and
 * the sanction received through DecisionSubscriber's typed decoding, and the merchant's webhook
 * delivery of the sanction verified and decoded with readWebhook.
 */
describe('SDK against the real platform (real Kafka + PostgreSQL)', () => {
  const webhooks = new WebhookReceiver();
  const stack = new PipelineStack();
  const decisions: DecisionEvent[] = [];
  let subscriber: DecisionSubscriber;
  let producer: KafkaEventProducer;
  let client: PenaltyHttpClient;

  beforeAll(async () => {
    await webhooks.start();
    await stack.start();
    const kafka = () => createKafkaClient({ clientId: 'sdk-e2e', brokers: stack.brokers.split(','), security: stack.kafkaSecurity, logLevel: logLevel.NOTHING });
    producer = new KafkaEventProducer(kafka(), { topicPrefix: stack.namespace });
    subscriber = new DecisionSubscriber(kafka(), {
      groupId: `sdk-e2e-${randomUUID()}`,
      topicPrefix: stack.namespace,
      fromBeginning: true,
      onEvent: (event) => void decisions.push(event),
    });
    await subscriber.start();
    client = new PenaltyHttpClient({ baseUrl: stack.service('api').baseUrl, apiKey: stack.apiKey });
  }, 300_000);

  afterAll(async () => {
    await subscriber?.stop();
    await producer?.disconnect();
    await stack.stop();
    await webhooks.stop();
  });

  it('sends a violation over HTTP, receives the typed penalty and sanction, and verifies the signed webhook', async () => {
    const merchantId = aMerchantId('sdk');
    const [sent] = await producer.send([
      merchantProfileEvent(
        { merchantId, storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: false, contact: { webhookUrl: webhooks.url(`/ok/${merchantId}`) } },
        { source: 'merchant-center' },
      ),
    ]);
    expect(sent).toMatchObject({ topic: stack.topic('merchants.profiles.v1'), key: merchantId });
    // The profile has been applied once the standing knows the deposit requirement.
    await eventually('the profile in the standing', async () => {
      const standing = await client.standing(merchantId).catch((error: unknown) => {
        if (error instanceof PenaltyApiError && error.status === 404) return undefined;
        throw error;
      });
      return standing?.deposit.requiredFen != null ? standing : undefined;
    });

    // FRAUD, STANDARD: 12 serious points at once, the first node of the serious ladder.
    const violation = violationDetectedEvent(
      { violationId: `v-${randomUUID()}`, merchantId, code: 'FRAUD', severity: 'STANDARD', occurredAt: '2026-11-20T10:00:00+08:00', detectedBy: 'listing-audit', itemIds: ['item-1'] },
      { source: 'listing-audit' },
    );
    expect(await client.reportViolation(violation)).toEqual({ id: violation.id, status: 'ACCEPTED' });
    // The same event again (a producer's retry): applied once.
    expect(await client.reportViolation(violation)).toEqual({ id: violation.id, status: 'DUPLICATE' });

    const assessed = await eventually('penalty.assessed.v1', () =>
      decisions.find((e): e is DecisionEventOf<'penalty.assessed.v1'> => e.type === 'penalty.assessed.v1' && e.data.violationId === violation.data.violationId),
    );
    expect(assessed.subject).toBe(merchantId);
    expect(assessed.data).toMatchObject({ merchantId, track: 'SERIOUS', points: 12, totals: { general: 0, serious: 12 } });
    const imposed = await eventually('sanction.imposed.v1', () =>
      decisions.find((e): e is DecisionEventOf<'sanction.imposed.v1'> => e.type === 'sanction.imposed.v1' && e.data.merchantId === merchantId),
    );
    expect(imposed.data.cause).toMatchObject({ kind: 'LADDER_NODE', track: 'SERIOUS', node: 12, violationIds: [violation.data.violationId] });
    expect(imposed.data.measures.length).toBeGreaterThan(0);

    // The merchant's webhook receives the same sanction event, signed with the platform's secret.
    const delivery = await eventually('the sanction webhook', () =>
      webhooks.received.find((w) => w.path === `/ok/${merchantId}` && (JSON.parse(w.body) as { id?: string }).id === imposed.id),
    );
    const header = delivery.headers[WEBHOOK_SIGNATURE_HEADER] as string;
    const received = readWebhook({ secret: SIGNING_SECRET, header, body: delivery.body });
    expect(received).toEqual(imposed);
    expect(verifyWebhook({ secret: SIGNING_SECRET, header, body: delivery.body.replace(merchantId, 'm-someone-else') })).toEqual({ ok: false, reason: 'SIGNATURE_MISMATCH' });
    expect(verifyWebhook({ secret: 'another-secret', header, body: delivery.body }).ok).toBe(false);

    // The standing through the typed client generated from the OpenAPI document.
    const { data: standing } = await client.api.GET('/v1/merchants/{merchantId}/standing', { params: { path: { merchantId } } });
    expect(standing?.points).toEqual({ general: 0, serious: 12 });
  });

  it('reports a batch: each event’s outcome in order, a repeated id DUPLICATE', async () => {
    const merchantId = aMerchantId('sdk-batch');
    const event = () =>
      violationDetectedEvent(
        { violationId: `v-${randomUUID()}`, merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR', occurredAt: '2026-11-20T10:00:00+08:00', detectedBy: 'logistics' },
        { source: 'logistics-monitoring' },
      );
    const [a, b] = [event(), event()];
    const result = await client.reportViolations([a, b, a]);
    expect(result).toMatchObject({ accepted: 2, duplicates: 1, invalid: 0 });
    expect(result.results.map((r) => [r.index, r.id, r.status])).toEqual([[0, a.id, 'ACCEPTED'], [1, b.id, 'ACCEPTED'], [2, a.id, 'DUPLICATE']]);
    const assessed = await eventually('both penalties', () => {
      const found = decisions.filter((e) => e.type === 'penalty.assessed.v1' && e.data.merchantId === merchantId);
      return found.length >= 2 ? found : undefined;
    });
    expect(assessed).toHaveLength(2);
  });

  it('refuses an unknown API key with a typed error, after one attempt (401 is not retried)', async () => {
    const stranger = new PenaltyHttpClient({ baseUrl: stack.service('api').baseUrl, apiKey: 'pk_unknown_secret' });
    const violation = violationDetectedEvent(
      { violationId: `v-${randomUUID()}`, merchantId: aMerchantId('sdk-401'), code: 'FRAUD', severity: 'STANDARD', occurredAt: '2026-11-20T10:00:00+08:00', detectedBy: 'x' },
      { source: 'x' },
    );
    const error = (await stranger.reportViolation(violation).catch((e: unknown) => e)) as PenaltyApiError;
    expect(error).toBeInstanceOf(PenaltyApiError);
    expect([error.status, error.attempts, error.retriable]).toEqual([401, 1, false]);
  });
});
