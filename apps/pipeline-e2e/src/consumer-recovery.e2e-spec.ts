import { Topics } from '@penalty/contracts';
import { aMerchantId, aViolationEvent, PipelineStack, TopicRecorder } from '@penalty/testing';

/**
 * A service frozen longer than its Kafka session (a long GC pause, a stalled host) is evicted from its
 * consumer group. When it runs again it must rejoin and go on, losing and repeating nothing.
 */
describe('consumer recovery after a stall (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ apps: ['scoring-service'] });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.PenaltiesAssessedV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
  });

  it('processes what arrived during a 40 s freeze once, after the broker evicted the frozen consumer', async () => {
    const merchantId = aMerchantId('stall');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })]);
    await recorder.waitFor((m) => m.key === merchantId, 1);

    const scoring = stack.service('scoring-service');
    scoring.pause();
    await stack.publish(Topics.ViolationsDetectedV1, [
      aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }),
      aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }),
    ]);
    await new Promise((r) => setTimeout(r, 40_000));
    scoring.resume();

    const assessed = await recorder.waitFor((m) => m.key === merchantId, 3, 60_000);
    expect(assessed.map((m) => m.json!.data.totals.general)).toEqual([1, 2, 3]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.matching((m) => m.key === merchantId)).toHaveLength(3);
    const ready = await fetch(`${scoring.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
  }, 180_000);
});
