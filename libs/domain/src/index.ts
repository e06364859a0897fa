export * from './lib/vocabulary';
