export * from './lib/appeal.migration';
export * from './lib/appeal.requests';
export * from './lib/appeal-desk';
export * from './lib/appeals.module';
