export * from './lib/access.migration';
export * from './lib/access.module';
export * from './lib/api-keys';
export * from './lib/oidc-sign-in';
export * from './lib/oidc-sign-in.config';
export * from './lib/operators';
