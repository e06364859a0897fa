export * from './lib/scoring.module';
export * from './lib/scoring.migration';
export * from './lib/assess-violation.handler';
