export * from './lib/access.migration';
export * from './lib/access.module';
export * from './lib/api-keys';
export * from './lib/operators';
