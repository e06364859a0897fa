export * from './lib/test-infrastructure';
export * from './lib/service-process';
export * from './lib/topic-recorder';
export * from './lib/pipeline-stack';
export * from './lib/event-mothers';
export * from './lib/handler-testbed';
export * from './lib/dashboard-process';
export * from './lib/local-kafka';
