export * from './lib/scoring.module';
export * from './lib/scoring.migration';
export * from './lib/assess-violations/assess-violations.handler';
export * from './lib/scoring-remedies.migration';
export * from './lib/exam-chances';
export * from './lib/simulate-rule-changes/simulation.migration';
export * from './lib/scoring.migrations';
