export * from './lib/sanctions.module';
export * from './lib/sanctions.migration';
export * from './lib/impose-ladder-sanction.handler';
export * from './lib/lift-expired-measures.worker';
export * from './lib/sanction-remedies.migration';
