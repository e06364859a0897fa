import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Topics } from '@penalty/contracts';
import { systemClock } from '@penalty/domain';
import { HandlerTestbed, runId } from '@penalty/testing';
import { MerchantContactRepository } from '../merchant-contact.repository';
import type { NotificationConfig } from '../notification.config';
import { NotificationPayloadOfWebhooks1765100300000, NotificationPendingDue1764700000000, NotificationTables1763856300000 } from '../notification.migration';
import { NotificationRepository } from '../notification.repository';
import { NotificationRecorder } from '../notify-merchant/record-notifications';
import { NotificationDeliveryWorker } from './notification-delivery.worker';
import { PendingDeliveries } from './pending-deliveries';

/**
 * The delivery worker costs nothing while idle and is not slower for it, on real PostgreSQL and Kafka:
 * with a fallback poll of ten minutes it does not look at the table while nothing is due, delivers a
 * webhook as soon as this process commits it, and makes each retry when it falls due.
 */
describe('notification delivery worker, woken rather than polling (real PostgreSQL and Kafka)', () => {
  const id = runId();
  const testbed = new HandlerTestbed({ schema: 'notification', migrations: [NotificationTables1763856300000, NotificationPendingDue1764700000000, NotificationPayloadOfWebhooks1765100300000], topics: [Topics.NotificationsSentV1], clock: systemClock });
  const config = { WEBHOOK_SIGNING_SECRET: 'delivery-test-signing-secret', WEBHOOK_MAX_ATTEMPTS: 4, WEBHOOK_RETRY_BASE_MS: 300, WEBHOOK_TIMEOUT_MS: 2_000, WEBHOOK_POLL_MS: 600_000 } as NotificationConfig;
  const received: { path: string; at: number }[] = [];
  /** Answers 500 to a path's first `failures[path]` requests, then 204. */
  const failures = new Map<string, number>();
  const endpoint: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ path: req.url ?? '', at: Date.now() });
      const left = failures.get(req.url ?? '') ?? 0;
      failures.set(req.url ?? '', left - 1);
      res.statusCode = left > 0 ? 500 : 204;
      res.end();
    });
  });
  let notifications: NotificationRepository;
  let pending: PendingDeliveries;
  let worker: NotificationDeliveryWorker;
  let baseUrl: string;

  beforeAll(async () => {
    await testbed.start();
    notifications = new NotificationRepository(testbed.dataSource);
    pending = new PendingDeliveries();
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    worker = new NotificationDeliveryWorker(notifications, new MerchantContactRepository(testbed.dataSource), testbed.replicas[0].runner, pending, systemClock, config, testbed.metrics);
    worker.onApplicationBootstrap();
  }, 120_000);

  afterAll(async () => {
    await worker?.beforeApplicationShutdown();
    await new Promise((resolve) => endpoint.close(resolve));
    await testbed.stop();
  });

  /** What the consumer does for one decision with a webhook: the contact, then the message, in one transaction. */
  async function notify(merchantId: string): Promise<void> {
    await testbed.replicas[0].runner.run(async (tx) => {
      await new MerchantContactRepository(testbed.dataSource).saveMany(tx, [{ merchantId, email: null, phone: null, webhookUrl: `${baseUrl}/${merchantId}`, locale: 'en', updatedAt: new Date() }]);
      await new NotificationRecorder(notifications, pending).record(
        tx,
        [{ merchantId, channels: ['INBOX', 'WEBHOOK'], template: 'penalty-assessed', title: 't', body: 'b', causeEventId: `cause-${merchantId}`, causeType: 'penalty.assessed.v1', payload: '{"specversion":"1.0"}' }],
        new Date(),
      );
    });
  }
  const webhookOutcome = (merchantId: string) =>
    testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'notification.sent.v1' && m.json.data.channel === 'WEBHOOK', 1, 15_000).then(([m]) => m.json!.data);

  it('does not look at the table while nothing is due', async () => {
    // Its first look, at start, has found nothing: it sleeps until written to (or the fallback poll).
    await new Promise((r) => setTimeout(r, 500));
    const claims = jest.spyOn(notifications, 'claimDue');
    const lookups = jest.spyOn(notifications, 'nextClaimableAt');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(claims).not.toHaveBeenCalled();
    expect(lookups).not.toHaveBeenCalled();
    claims.mockRestore();
    lookups.mockRestore();
  });

  it('delivers a webhook as soon as the transaction that wrote it commits', async () => {
    const merchantId = `m-${id}-now`;
    const committed = Date.now();
    await notify(merchantId);
    expect(await webhookOutcome(merchantId)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    const [delivery] = received.filter((r) => r.path === `/${merchantId}`);
    expect(delivery.at - committed).toBeLessThan(5_000);
  });

  it('makes each retry when it falls due, not at the fallback poll', async () => {
    const merchantId = `m-${id}-retry`;
    failures.set(`/${merchantId}`, 2);
    await notify(merchantId);
    expect(await webhookOutcome(merchantId)).toMatchObject({ status: 'DELIVERED', attempts: 3 });
    const attempts = received.filter((r) => r.path === `/${merchantId}`).map((r) => r.at);
    expect(attempts).toHaveLength(3);
    // Backoff of 300 ms, then 600 ms (the policy's factor 2): each retry after its delay, well before ten minutes.
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(250);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(550);
    expect(attempts[2] - attempts[0]).toBeLessThan(10_000);
    expect(await testbed.rows(`SELECT status, attempts, last_error FROM notification WHERE merchant_id = $1 AND channel = 'WEBHOOK'`, [merchantId])).toEqual([
      { status: 'DELIVERED', attempts: 3, last_error: null },
    ]);
  });
});
