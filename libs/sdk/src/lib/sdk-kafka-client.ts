import { Kafka, type KafkaConfig } from 'kafkajs';

/**
 * The kafkajs client the SDK's producer and subscriber use: the caller's own, or one made from the
 * caller's settings (brokers, TLS, SASL). The only `new Kafka` outside the platform's
 * createKafkaClient: the SDK runs in other systems, which do not have the platform's environment
 * (KAFKA_SSL…, KAFKA_SASL…) or its NestJS logging, and bring their own security settings.
 */
export function sdkKafkaClient(kafka: Kafka | KafkaConfig): Kafka {
  return typeof (kafka as Kafka).producer === 'function' ? (kafka as Kafka) : new Kafka({ clientId: 'penalty-sdk', ...(kafka as KafkaConfig) });
}
