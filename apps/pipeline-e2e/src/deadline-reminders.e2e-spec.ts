import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';
import { WebhookReceiver } from './webhook-receiver';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Section 8: a reminder a week and a day before each deadline. A 12-point violation opens two appeal
 * windows (the penalty's and the sanction's, 15 days) and, its fine leaving the deposit short, a
 * 15-day top-up window; the notification service is restarted in the
 * future (CLOCK_OFFSET_MS) and each reminder goes out once, on the inbox and the signed webhook.
 */
describe('deadline reminders (real Kafka + PostgreSQL)', () => {
  const webhooks = new WebhookReceiver();
  const stack = new PipelineStack({ apps: ['scoring-service', 'sanction-service', 'notification-service'] });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await webhooks.start();
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.NotificationsSentV1), stack.topic(Topics.SanctionsDecidedV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
    await webhooks.stop();
  });

  const reminders = (merchantId: string) => (m: RecordedMessage) =>
    m.key === merchantId && m.json?.type === 'notification.sent.v1' && m.json.data.template === 'deadline-reminder';

  it('reminds a week and a day before each appeal window closes, once per reminder and channel', async () => {
    const merchantId = aMerchantId('remind');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, webhookUrl: webhooks.url(`/ok/${merchantId}`) })]);
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');
    // The decisions' own notifications (penalty and sanction, inbox and webhook) come first.
    await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'notification.sent.v1', 4);
    expect(recorder.matching(reminders(merchantId))).toHaveLength(0);

    const notificationService = stack.service('notification-service');
    await notificationService.restart({ CLOCK_OFFSET_MS: String(8 * DAY + HOUR) });
    const weekBefore = await recorder.waitFor(reminders(merchantId), 6);
    expect(weekBefore.map((m) => m.json!.data.channel).sort()).toEqual(['INBOX', 'INBOX', 'INBOX', 'WEBHOOK', 'WEBHOOK', 'WEBHOOK']);
    expect(weekBefore.every((m) => m.json!.data.status === 'DELIVERED')).toBe(true);

    await notificationService.restart();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.matching(reminders(merchantId))).toHaveLength(6);

    await notificationService.restart({ CLOCK_OFFSET_MS: String(14 * DAY + HOUR) });
    await recorder.waitFor(reminders(merchantId), 12);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(recorder.matching(reminders(merchantId))).toHaveLength(12);

    const inbox = (await (await fetch(`${notificationService.baseUrl}/v1/merchants/${merchantId}/inbox?limit=50`, { headers: await stack.operatorHeaders('viewer') })).json()) as { items: { template: string; body: string }[] };
    const reminderBodies = inbox.items.filter((i) => i.template === 'deadline-reminder').map((i) => i.body);
    expect(reminderBodies).toHaveLength(6);
    expect(reminderBodies).toContain(`提醒：处罚 ${imposed.json!.data.sanctionId} 的申诉期将于 ${imposed.json!.data.appealDeadline} 截止。`);

    const hook = webhooks.received.find((w) => w.path === `/ok/${merchantId}` && JSON.parse(w.body).type === 'deadline.reminder.v1' && JSON.parse(w.body).data.deadlineKind === 'APPEAL_WINDOW')!;
    expect(hook.headers['x-penalty-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(hook.body)).toMatchObject({ specversion: '1.0', subject: merchantId, data: { deadlineKind: 'APPEAL_WINDOW', merchantId } });
  });
});
