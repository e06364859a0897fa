export * from './lib/standing.module';
export * from './lib/standing.migration';
export * from './lib/standing-remedies.migration';
export * from './lib/standing-exam-offers.migration';
export * from './lib/standing-ops.migration';
export * from './lib/dead-letters.migration';
export * from './lib/standing-directory.migration';
export * from './lib/standing.migrations';
