import type { Kafka } from 'kafkajs';
import { goldenFixture } from '@penalty/contracts';
import { DecisionSubscriber, type DecisionEvent } from '../../index';

/** A kafkajs client whose consumer delivers the messages a test hands it. */
function fakeKafka() {
  let eachMessage!: (payload: any) => Promise<void>;
  const subscribed: any[] = [];
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join' },
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    subscribe: jest.fn(async (s: unknown) => void subscribed.push(s)),
    on: (_event: string, listener: () => void) => setImmediate(listener),
    run: jest.fn(async (options: { eachMessage: typeof eachMessage }) => void (eachMessage = options.eachMessage)),
  };
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  const deliver = (topic: string, value: string) => eachMessage({ topic, partition: 0, message: { offset: '7', key: Buffer.from('m-1'), value: Buffer.from(value) } });
  return { kafka, subscribed, deliver };
}

describe('DecisionSubscriber', () => {
  it('subscribes to every decision topic under the prefix and hands over typed events; invalid values go to onInvalid', async () => {
    const { kafka, subscribed, deliver } = fakeKafka();
    const events: [DecisionEvent, unknown][] = [];
    const invalid: [string, string][] = [];
    const subscriber = new DecisionSubscriber(kafka, {
      groupId: 'g',
      topicPrefix: 'it-1.',
      onEvent: (event, message) => void events.push([event, message]),
      onInvalid: (error, message) => void invalid.push([error.reason, message.topic]),
    });
    await subscriber.start();
    expect(subscribed).toEqual([{ topics: ['it-1.penalties.assessed.v1', 'it-1.sanctions.decided.v1', 'it-1.notifications.sent.v1', 'it-1.remedies.updated.v1'], fromBeginning: false }]);

    await deliver('it-1.sanctions.decided.v1', JSON.stringify(goldenFixture('sanction.imposed.v1')));
    // A penalty on the sanctions topic is not a sanction: refused, not handed over.
    await deliver('it-1.sanctions.decided.v1', JSON.stringify(goldenFixture('penalty.assessed.v1')));
    await deliver('it-1.penalties.assessed.v1', '{not json');
    expect(events).toEqual([[expect.objectContaining({ type: 'sanction.imposed.v1', data: goldenFixture('sanction.imposed.v1').data }), { topic: 'sanctions.decided.v1', partition: 0, offset: '7', key: 'm-1' }]]);
    expect(invalid).toEqual([['UNKNOWN_TYPE', 'sanctions.decided.v1'], ['UNPARSEABLE', 'penalties.assessed.v1']]);
  });
});
