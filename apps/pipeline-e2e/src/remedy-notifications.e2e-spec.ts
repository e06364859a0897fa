import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';
import { WebhookReceiver } from './webhook-receiver';

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface InboxItem {
  template: string;
  title: string;
  body: string;
}

/**
 * Section 8 for the remedies: a deposit shortfall is told on every channel with its top-up deadline,
 * reminded a week before; the payment that settles it is told too and cancels the reminder still
 * pending, while the appeal windows keep theirs.
 */
describe('remedy notifications and their deadlines (real Kafka + PostgreSQL)', () => {
  const webhooks = new WebhookReceiver();
  const stack = new PipelineStack({ apps: ['scoring-service', 'sanction-service', 'notification-service'] });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await webhooks.start();
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.NotificationsSentV1), stack.topic(Topics.RemediesUpdatedV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
    await webhooks.stop();
  });

  const sent = (merchantId: string, template: string) => (m: RecordedMessage) =>
    m.key === merchantId && m.json?.type === 'notification.sent.v1' && m.json.data.template === template;

  async function inbox(merchantId: string): Promise<InboxItem[]> {
    const response = await fetch(`${stack.service('notification-service').baseUrl}/v1/merchants/${merchantId}/inbox?limit=100`, { headers: await stack.operatorHeaders('viewer') });
    return ((await response.json()) as { items: InboxItem[] }).items;
  }

  it('tells a shortfall with its deadline, reminds a week before, and stops reminding once the deposit is topped up', async () => {
    const merchantId = aMerchantId('deposit-notice');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, webhookUrl: webhooks.url(`/ok/${merchantId}`), locale: 'en' })]);
    await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'deposit.updated.v1');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);

    const shortfall = await recorder.waitFor(sent(merchantId, 'deposit-shortfall'), 2);
    expect(shortfall.map((m) => m.json!.data.channel).sort()).toEqual(['INBOX', 'WEBHOOK']);
    expect(shortfall.every((m) => m.json!.data.status === 'DELIVERED')).toBe(true);
    const [deposit] = recorder.matching((m) => m.key === merchantId && m.json?.type === 'deposit.updated.v1' && m.json.data.change.kind === 'FINE_CHARGED');
    const topUpDueAt: string = deposit.json!.data.topUpDueAt;
    expect((await inbox(merchantId)).find((i) => i.template === 'deposit-shortfall')?.body).toBe(
      `A fine of ¥20,000.00 was charged. Deposit balance ¥30,000.00 of ¥50,000.00 required: ¥20,000.00 short. Top up by ${topUpDueAt}, or the store is put under supervision.`,
    );
    const hook = webhooks.received.find((w) => w.path === `/ok/${merchantId}` && JSON.parse(w.body).type === 'deposit.updated.v1' && JSON.parse(w.body).data.change.kind === 'FINE_CHARGED');
    expect(JSON.parse(hook!.body).data).toMatchObject({ merchantId, shortfallFen: 2_000_000, topUpDueAt });

    // A week before the top-up deadline (and the appeal windows, opened at the same time).
    const notificationService = stack.service('notification-service');
    await notificationService.restart({ CLOCK_OFFSET_MS: String(8 * DAY + HOUR) });
    await recorder.waitFor(sent(merchantId, 'deadline-reminder'), 6);
    const weekBefore = (await inbox(merchantId)).filter((i) => i.template === 'deadline-reminder').map((i) => i.body);
    expect(weekBefore).toContain(`Reminder: the deposit top-up period for the deposit of ${merchantId} closes at ${topUpDueAt}.`);

    // Topped up: told on every channel, and the day-before reminder of the top-up is cancelled.
    const paid = await fetch(`${stack.service('sanction-service').baseUrl}/v1/merchants/${merchantId}/deposit/payments`, {
      method: 'POST',
      headers: await stack.operatorHeaders('admin'),
      body: JSON.stringify({ paymentId: `pay-${merchantId}`, amountFen: 2_000_000 }),
    });
    expect(paid.status).toBe(201);
    await recorder.waitFor(sent(merchantId, 'deposit-updated'), 4);
    expect((await inbox(merchantId)).map((i) => i.body)).toContain('A payment of ¥20,000.00 was received. Deposit balance ¥50,000.00 of ¥50,000.00 required.');

    await notificationService.restart({ CLOCK_OFFSET_MS: String(14 * DAY + HOUR) });
    // The two appeal windows' day-before reminders, on two channels; none for the settled deposit.
    await recorder.waitFor(sent(merchantId, 'deadline-reminder'), 10);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.matching(sent(merchantId, 'deadline-reminder'))).toHaveLength(10);
    const reminders = (await inbox(merchantId)).filter((i) => i.template === 'deadline-reminder').map((i) => i.body);
    expect(reminders.filter((b) => b.includes('deposit top-up'))).toHaveLength(1);
  });
});
