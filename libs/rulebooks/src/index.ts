export * from './lib/rulebooks.module';
export * from './lib/rulebook-versions.migration';
