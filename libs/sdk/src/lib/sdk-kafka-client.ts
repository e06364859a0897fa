import { Kafka, type KafkaConfig } from 'kafkajs';

/**
 * The kafkajs client the SDK's producer and subscriber use: the caller's own, or one made from the
 * caller's settings (brokers, TLS, SASL). The only `new Kafka` outside the platform's
 * createKafkaClient: the SDK runs in other systems, which do not have the platform's environment
 * (KAFKA_SSL…, KAFKA_SASL…) or its NestJS logging, and bring their own security settings.
 */
export function sdkKafkaClient(kafka: Kafka | KafkaConfig): Kafka {
  return isKafkaClient(kafka) ? kafka : new Kafka({ clientId: 'penalty-sdk', ...kafka });
}

/** A client rather than settings (settings have brokers and no methods); not instanceof: the caller's kafkajs may be another copy. */
function isKafkaClient(kafka: Kafka | KafkaConfig): kafka is Kafka {
  return typeof (kafka as Kafka).producer === 'function' || typeof (kafka as Kafka).consumer === 'function';
}
