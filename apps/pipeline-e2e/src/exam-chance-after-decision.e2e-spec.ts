import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Rulebook section 6: the merchant chooses within 15 natural days of the decision. A chance granted
 * after the decision opens that choice (and its reminders, section 8) just as a chance held before the
 * decision does: scoring offers it, the notification service tells the merchant and reminds them a
 * week before it closes, and the api lists the deadline.
 */
describe('an exam chance granted after the decision (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ apps: ['api', 'scoring-service', 'notification-service'] });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [Topics.PenaltiesAssessedV1, Topics.RemediesUpdatedV1, Topics.NotificationsSentV1].map((t) => stack.topic(t)));
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
  });

  const of = (merchantId: string, type: string, where: (data: Record<string, any>) => boolean = () => true) => (m: RecordedMessage) =>
    m.key === merchantId && m.json?.type === type && where(m.json.data);

  async function call(app: 'api' | 'scoring-service' | 'notification-service', path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${stack.service(app).baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: await stack.operatorHeaders('reviewer'),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  it('opens the 15-day exam choice of a decision made before the grant, tells it, reminds it, and the chance can be used', async () => {
    const merchantId = aMerchantId('late-chance');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, examEligible: true })]);
    // The first AD_INFO of the year is a self-check (0 points); the second scores 1 point, with no chance held.
    const ads = [1, 2].map(() => aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'MINOR' }));
    for (const ad of ads) {
      await stack.publish(Topics.ViolationsDetectedV1, [ad]);
      await recorder.waitFor(of(merchantId, 'penalty.assessed.v1', (d) => d.violationId === ad.data.violationId));
    }
    const [assessed] = recorder.matching(of(merchantId, 'penalty.assessed.v1', (d) => d.violationId === ads[1].data.violationId));
    expect(assessed.json!.data).toMatchObject({ points: 1, waiver: null });
    expect(recorder.matching(of(merchantId, 'exam-chance.updated.v1'))).toHaveLength(0);

    // Granted after the decision (the scoring service must know the profile first).
    let granted = await call('scoring-service', `/v1/merchants/${merchantId}/exam-chances`, {});
    for (let i = 0; granted.status === 409 && granted.json.code === 'EXAM.NOT_ELIGIBLE' && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200));
      granted = await call('scoring-service', `/v1/merchants/${merchantId}/exam-chances`, {});
    }
    expect(granted).toMatchObject({ status: 201, json: { status: 'GRANTED' } });

    // The choice opens for the scored violation only, closing 15 days after its decision (not after the grant).
    const [offered] = await recorder.waitFor(of(merchantId, 'exam-chance.updated.v1', (d) => d.offer !== null));
    const offer = offered.json!.data.offer;
    expect(offered.json!.data).toMatchObject({ chanceId: granted.json.chanceId, status: 'GRANTED' });
    expect(offer.violationId).toBe(ads[1].data.violationId);
    expect(Date.parse(offer.choiceClosesAt)).toBe(Date.parse(assessed.json!.time) + 15 * DAY);
    expect(recorder.matching(of(merchantId, 'exam-chance.updated.v1', (d) => d.offer !== null))).toHaveLength(1);

    // The merchant is told, and the api lists the deadline.
    const [told] = await recorder.waitFor(of(merchantId, 'notification.sent.v1', (d) => d.template === 'exam-chance-offer' && d.channel === 'INBOX'));
    expect(told.json!.data.status).toBe('DELIVERED');
    let cases: any;
    for (let i = 0; i < 100; i++) {
      cases = (await call('api', `/v1/merchants/${merchantId}/cases`)).json;
      if (cases.deadlines?.some((d: { kind: string }) => d.kind === 'EXAM_CHOICE')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(cases.deadlines.filter((d: { kind: string }) => d.kind === 'EXAM_CHOICE')).toEqual([expect.objectContaining({ kind: 'EXAM_CHOICE', closesAt: offer.choiceClosesAt })]);

    // A week before the choice closes, the merchant is reminded of it.
    const notificationService = stack.service('notification-service');
    await notificationService.restart({ CLOCK_OFFSET_MS: String(8 * DAY + HOUR) });
    await recorder.waitFor(of(merchantId, 'notification.sent.v1', (d) => d.template === 'deadline-reminder' && d.channel === 'INBOX'), 2);
    const inbox = (await call('notification-service', `/v1/merchants/${merchantId}/inbox?limit=50`)).json as { items: { template: string; body: string }[] };
    const examReminders = inbox.items.filter((i) => i.template === 'deadline-reminder' && i.body.includes('以考代罚选择期'));
    expect(examReminders).toHaveLength(1);
    expect(examReminders[0].body).toContain(ads[1].data.violationId);
    await notificationService.restart();

    // And the chance can be used on that decision within its window.
    expect(await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/use`, { violationId: ads[1].data.violationId })).toMatchObject({ status: 200, json: { status: 'CHOSEN' } });
  });
});
