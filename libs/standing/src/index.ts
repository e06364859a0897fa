export * from './lib/standing.module';
export * from './lib/standing.migration';
