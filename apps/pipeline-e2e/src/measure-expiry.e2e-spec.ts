import { Topics } from '@penalty/contracts';
import { aMerchantId, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';

const DAY = 86_400_000;

/**
 * Timed measures lift themselves when they run out, durably: the sanction service is restarted "in
 * the future" (CLOCK_OFFSET_MS) while lifts are due, and again after, and each lift happens once.
 */
describe('measure expiry across restarts (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ apps: ['api', 'scoring-service', 'sanction-service'] });
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

  const ofType = (merchantId: string, type: string) => (m: RecordedMessage) => m.key === merchantId && m.json?.type === type;

  it('lifts the 12-point node measures at their ends, each exactly once, across restarts', async () => {
    const merchantId = aMerchantId('expiry');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [imposed] = await recorder.waitFor(ofType(merchantId, 'sanction.imposed.v1'));
    const sanction = imposed.json!.data;
    const timedEnd = sanction.measures.find((m: { type: string }) => m.type === 'STORE_SHIELDING').endsAt;
    const banEnd = sanction.measures.find((m: { type: string }) => m.type === 'MARKETING_BAN').endsAt;

    // Stopped before the end, started again 8 days later: the 7-day measures are due at start.
    const sanctionService = stack.service('sanction-service');
    await sanctionService.restart({ CLOCK_OFFSET_MS: String(8 * DAY) });
    const [lifted] = await recorder.waitFor(ofType(merchantId, 'sanction.lifted.v1'));
    expect(lifted.json!.data).toMatchObject({ sanctionId: sanction.sanctionId, merchantId, reason: 'EXPIRED' });
    expect(Date.parse(lifted.json!.data.liftedAt)).toBe(Date.parse(timedEnd));
    expect([...lifted.json!.data.measureTypes].sort()).toEqual(
      ['COMMUNITY_RESTRICTION', 'LISTING_RESTRICTION', 'MESSAGING_RESTRICTION', 'PUBLIC_WARNING', 'STORE_CREATION_RESTRICTION', 'STORE_SHIELDING'],
    );

    // A second restart at the same time finds nothing more to lift.
    await sanctionService.restart();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.matching(ofType(merchantId, 'sanction.lifted.v1'))).toHaveLength(1);

    // 31 days on, the 30-day marketing ban ends too, once.
    await sanctionService.restart({ CLOCK_OFFSET_MS: String(31 * DAY) });
    const both = await recorder.waitFor(ofType(merchantId, 'sanction.lifted.v1'), 2);
    expect(both[1].json!.data).toMatchObject({ measureTypes: ['MARKETING_BAN'], reason: 'EXPIRED' });
    expect(Date.parse(both[1].json!.data.liftedAt)).toBe(Date.parse(banEnd));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(recorder.matching(ofType(merchantId, 'sanction.lifted.v1'))).toHaveLength(2);

    // The standing read model no longer shows any of them.
    const deadline = Date.now() + 20_000;
    let standing: { activeMeasures: unknown[] } | undefined;
    while (Date.now() < deadline) {
      standing = (await (await fetch(`${stack.service('api').baseUrl}/v1/merchants/${merchantId}/standing`, { headers: await stack.operatorHeaders('viewer') })).json()) as { activeMeasures: unknown[] };
      if (standing.activeMeasures.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(standing?.activeMeasures).toEqual([]);
  });
});
