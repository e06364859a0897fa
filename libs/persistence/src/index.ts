export * from './lib/service-database';
export * from './lib/inbox-outbox.migration';
export * from './lib/outbox-lanes.migration';
export * from './lib/retriable-error';
export * from './lib/scheduled-task.migration';
export * from './lib/audit-trail.migration';
export * from './lib/audit-trail';
export * from './lib/audit-trail.controller';
