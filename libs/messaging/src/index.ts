export * from './lib/kafka-connection';
export * from './lib/outbox';
export * from './lib/dead-letter';
export * from './lib/inbound-batch';
export * from './lib/transactional-inbox';
export * from './lib/kafka-batch.transport';
export * from './lib/pipeline.module';
export * from './lib/scheduled-tasks';
