import type { Kafka, KafkaConfig, Producer } from 'kafkajs';
import { sdkKafkaClient } from '../sdk-kafka-client';
import { CLOUDEVENTS_CONTENT_TYPE, EventRegistry } from '@penalty/contracts';
import { validateProducerEvent, type ProducerEvent } from './producer-events';

/** A merchant system's own Kafka settings (brokers, TLS, SASL…), as kafkajs takes them. */
export type KafkaBrokerConfig = KafkaConfig;

export interface KafkaEventProducerOptions {
  /** Prefix of the physical topic names (a test namespace); '' in production. */
  topicPrefix?: string;
}

/** Where each sent event went. */
export interface SentEvent {
  id: string;
  topic: string;
  key: string;
}

/**
 * Sends violation and merchant-profile events to their contract topics, each validated first, keyed
 * by the merchant id (so one merchant's events stay in order on one partition), in structured mode
 * (`content-type: application/cloudevents+json`), the traceparent also as a Kafka header. An
 * idempotent producer with acks from all in-sync replicas: a send that resolves is durable.
 */
export class KafkaEventProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  /** `kafka`: a kafkajs client of yours, or the broker settings to make one with. */
  constructor(kafka: Kafka | KafkaBrokerConfig, private readonly options: KafkaEventProducerOptions = {}) {
    this.producer = sdkKafkaClient(kafka).producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    await this.connected;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = undefined;
    await this.producer.disconnect();
  }

  /** Validates every event (throws EventValidationError before sending any), then sends them all. */
  async send(events: readonly ProducerEvent[]): Promise<SentEvent[]> {
    const checked = events.map((event) => {
      const result = validateProducerEvent(event);
      if (!result.ok) throw result.error;
      return result.event;
    });
    await this.connect();
    const byTopic = new Map<string, ProducerEvent[]>();
    for (const event of checked) {
      const topic = (this.options.topicPrefix ?? '') + EventRegistry[event.type].topic;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((event) => ({
          key: event.subject,
          value: JSON.stringify(event),
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ...(event.traceparent ? { traceparent: event.traceparent } : {}), ...(event.tracestate ? { tracestate: event.tracestate } : {}) },
        })),
      })),
    });
    return [...byTopic].flatMap(([topic, list]) => list.map((event) => ({ id: event.id, topic, key: event.subject })));
  }
}
