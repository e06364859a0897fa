export * from './lib/service-config';
export * from './lib/clock.provider';
export * from './lib/metrics';
export * from './lib/health';
export * from './lib/problem-details';
export * from './lib/wakeable-pause';
export * from './lib/request-input';
export * from './lib/rule-book.provider';
