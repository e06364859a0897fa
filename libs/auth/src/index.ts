export * from './lib/roles';
export * from './lib/tokens';
export * from './lib/secrets';
export * from './lib/auth.guard';
export * from './lib/session-revocations';
export * from './lib/rate-limit-storage';
export * from './lib/sign-in-throttle';
export * from './lib/trusted-proxies';
