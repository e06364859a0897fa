import { Kafka } from 'kafkajs';
import { sdkKafkaClient } from '../sdk-kafka-client';
import { EventValidationError, KafkaEventProducer, merchantProfileEvent, violationDetectedEvent } from '../../index';

/** A kafkajs client that records what its producer is asked to send. */
function recordingKafka() {
  const batches: any[] = [];
  const producerOptions: any[] = [];
  const producer = { connect: jest.fn(async () => undefined), disconnect: jest.fn(async () => undefined), sendBatch: jest.fn(async (batch: unknown) => void batches.push(batch)) };
  const kafka = { producer: (options: unknown) => (producerOptions.push(options), producer) } as unknown as Kafka;
  return { kafka, producer, batches, producerOptions };
}

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const violation = violationDetectedEvent(
  { violationId: 'v-1', merchantId: 'm-1', code: 'FRAUD', severity: 'STANDARD', occurredAt: '2026-11-20T10:00:00+08:00', detectedBy: 'risk' },
  { source: 'risk-control', traceparent },
);
const profile = merchantProfileEvent({ merchantId: 'm-2', storeType: 'FRANCHISE', trademarkStatus: 'TM', categories: [], examEligible: false }, { source: 'merchant-center' });

describe('KafkaEventProducer', () => {
  it('sends each event to its contract topic, keyed by merchant id, in structured mode with its trace header, acks from all replicas', async () => {
    const { kafka, batches, producerOptions } = recordingKafka();
    const producer = new KafkaEventProducer(kafka, { topicPrefix: 'it-1.' });
    const sent = await producer.send([violation, profile]);
    expect(sent).toEqual([
      { id: violation.id, topic: 'it-1.violations.detected.v1', key: 'm-1' },
      { id: profile.id, topic: 'it-1.merchants.profiles.v1', key: 'm-2' },
    ]);
    expect(producerOptions).toEqual([{ idempotent: true, maxInFlightRequests: 1 }]);
    expect(batches).toHaveLength(1);
    expect(batches[0].acks).toBe(-1);
    const [toViolations, toProfiles] = batches[0].topicMessages;
    expect(toViolations.messages).toEqual([{ key: 'm-1', value: JSON.stringify(violation), headers: { 'content-type': 'application/cloudevents+json', traceparent } }]);
    expect(toProfiles.messages[0]).toMatchObject({ key: 'm-2', headers: { 'content-type': 'application/cloudevents+json' } });
    expect(JSON.parse(toProfiles.messages[0].value)).toEqual(profile);
  });

  it('sends nothing when one event is invalid, and says which field', async () => {
    const { kafka, producer: inner } = recordingKafka();
    const producer = new KafkaEventProducer(kafka);
    const error = await producer.send([profile, { ...violation, subject: 'm-other' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).fields).toEqual(['subject']);
    expect(inner.connect).not.toHaveBeenCalled();
    expect(inner.sendBatch).not.toHaveBeenCalled();
  });

  it('connects once and disconnects what it connected', async () => {
    const { kafka, producer: inner } = recordingKafka();
    const producer = new KafkaEventProducer(kafka);
    await producer.disconnect();
    expect(inner.disconnect).not.toHaveBeenCalled();
    await producer.send([profile]);
    await producer.send([profile]);
    expect(inner.connect).toHaveBeenCalledTimes(1);
    await producer.disconnect();
    expect(inner.disconnect).toHaveBeenCalledTimes(1);
  });
});

describe('sdkKafkaClient', () => {
  it('uses the caller’s client as it is, and makes one from broker settings (TLS/SASL included) otherwise', () => {
    const { kafka } = recordingKafka();
    expect(sdkKafkaClient(kafka)).toBe(kafka);
    expect(sdkKafkaClient({ brokers: ['127.0.0.1:1'], ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } })).toBeInstanceOf(Kafka);
  });
});
