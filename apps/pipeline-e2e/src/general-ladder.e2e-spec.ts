import { deadLetterTopicOf, Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';

// Rulebook section 3: rule data may hold a ladder for either track, with nodes of its own. This one is
// for the GENERAL track (the default has none) and has nodes the default SERIOUS ladder does not.
const GENERAL_LADDER = [
  { node: 3, timedMeasures: ['PUBLIC_WARNING'], timedMeasureDays: 7, marketingBanDays: 0, oneOffMeasures: [], fineFen: 10_000, forfeitsDeposit: false },
  { node: 5, timedMeasures: ['PUBLIC_WARNING', 'LISTING_RESTRICTION'], timedMeasureDays: 3, marketingBanDays: 10, oneOffMeasures: [], fineFen: 50_000, forfeitsDeposit: false },
];

/**
 * A GENERAL-track ladder from RULE_OVERRIDES through every service, on the real broker and database:
 * the violation is scored, the node it reaches is imposed with cause.track GENERAL and its own node,
 * the merchant is told, and the api's standing shows the measures. Nothing is dead-lettered.
 */
describe('a GENERAL-track ladder from the rule data, through every service (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { RULE_OVERRIDES: JSON.stringify({ ladders: { GENERAL: GENERAL_LADDER } }) } });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, stack.allTopics());
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
  });

  const on = (topic: string, type: string | undefined, merchantId: string) => (m: RecordedMessage) =>
    m.topic === stack.topic(topic) && m.key === merchantId && (type === undefined || m.json?.type === type);

  it('imposes the highest GENERAL node reached (5, skipping 3), tells the merchant, and shows the measures in standing', async () => {
    const merchantId = aMerchantId('general-ladder');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]);
    // SEVERE general violation: 6 points, past nodes 3 and 5 at once.
    const violation = aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'SEVERE' });
    await stack.publish(Topics.ViolationsDetectedV1, [violation]);

    const [assessed] = await recorder.waitFor(on(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1', merchantId));
    expect(assessed.json!.data).toMatchObject({ track: 'GENERAL', points: 6, totals: { general: 6, serious: 0 } });

    const [imposed] = await recorder.waitFor(on(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId));
    const sanction = imposed.json!.data;

    // The notification service tells the merchant about it (it used to dead-letter a node outside 12/24/36/48).
    const [told] = await recorder.waitFor(
      (m) => on(Topics.NotificationsSentV1, 'notification.sent.v1', merchantId)(m) && m.json!.data.causeEventId === imposed.json!.id && m.json!.data.channel === 'INBOX',
    );
    expect(told.json!.data).toMatchObject({ template: 'sanction-imposed', status: 'DELIVERED' });

    // The api's read model shows the measures (it used to dead-letter the sanction too).
    const standing = await waitForStanding(merchantId, (s) => s.activeMeasures.some((m) => m.sanctionId === sanction.sanctionId));
    expect(standing.points).toEqual({ general: 6, serious: 0 });
    expect(standing.activeMeasures.filter((m) => m.sanctionId === sanction.sanctionId).map((m) => m.type).sort()).toEqual(['LISTING_RESTRICTION', 'MARKETING_BAN', 'PUBLIC_WARNING']);

    expect(sanction.cause).toEqual({ kind: 'LADDER_NODE', track: 'GENERAL', node: 5, naturalYear: 2026, violationIds: [violation.data.violationId] });
    expect(sanction.fine).toEqual({ amountFen: 50_000, currency: 'CNY' });
    expect(sanction.measures.map((m: { type: string }) => m.type).sort()).toEqual(['LISTING_RESTRICTION', 'MARKETING_BAN', 'PUBLIC_WARNING']);

    // The dashboard's decisions by node name the GENERAL ladder's node with its track (it is not the SERIOUS node of that number).
    const decisions = await fetch(`${stack.service('api').baseUrl}/v1/ops/decisions`, { headers: await stack.operatorHeaders('viewer') });
    expect(decisions.status).toBe(200);
    expect(((await decisions.json()) as { today: unknown[] }).today).toContainEqual({ node: 'GENERAL 5', sanctions: 1, finesFen: 50_000 });

    // Once a node is passed it is not imposed again, and no consumer refused the sanction.
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })]);
    await recorder.waitFor(on(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1', merchantId), 2);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.matching(on(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId))).toHaveLength(1);
    expect(recorder.matching(on(deadLetterTopicOf(Topics.SanctionsDecidedV1), undefined, merchantId))).toEqual([]);
  });

  interface Standing {
    points: { general: number; serious: number };
    activeMeasures: { type: string; sanctionId: string; endsAt: string | null }[];
  }

  async function waitForStanding(merchantId: string, ready: (s: Standing) => boolean, timeoutMs = 60_000): Promise<Standing> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const response = await fetch(`${stack.service('api').baseUrl}/v1/merchants/${merchantId}/standing`, { headers: await stack.operatorHeaders('viewer') });
      last = await response.json();
      if (response.ok && ready(last as Standing)) return last as Standing;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`standing of ${merchantId} never matched; last: ${JSON.stringify(last)}`);
  }
});
