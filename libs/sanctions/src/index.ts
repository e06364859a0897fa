export * from './lib/sanctions.module';
export * from './lib/sanction.migrations';
export * from './lib/sanctions.migration';
export * from './lib/sanction-remedies.migration';
export * from './lib/sanction-indexes.migration';
export * from './lib/sanction.config';
