import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { API_KEY_VERIFIER, SignInThrottle, SlidingWindowThrottlerStorage, trustedProxies } from '@penalty/auth';
import { loadConfig } from '@penalty/runtime';
import { ApiKeys, ApiKeysConfig, ApiKeysController } from './api-keys';
import { OidcSignIn, OidcSignInController } from './oidc-sign-in';
import { OidcSignInConfig } from './oidc-sign-in.config';
import { Operators, OperatorsController, SessionsController } from './operators';
import { SignInThrottleConfig } from './sign-in-throttle.config';

const perMinute = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * Sign-in (local accounts, and the company identity provider: OidcSignIn), operator accounts and API keys (the api service). Rate limits: ingestion requests per API
 * key (INGESTION_REQUESTS_PER_MINUTE); sign-in is throttled per username and client address
 * (SignInThrottle, SIGN_IN_*), the client address being what TRUST_PROXY lets Express believe.
 * Global: the auth guard, provided with every service's pipeline, verifies API keys through it.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRoot({
      throttlers: [
        { name: 'ingestion', ttl: 60_000, limit: perMinute('INGESTION_REQUESTS_PER_MINUTE', 60_000) },
      ],
      // Constant cost per request at any rate (the default storage keeps and filters every hit of the minute).
      storage: new SlidingWindowThrottlerStorage(),
    }),
  ],
  controllers: [SessionsController, OidcSignInController, OperatorsController, ApiKeysController],
  providers: [
    { provide: ApiKeysConfig, useFactory: () => loadConfig(ApiKeysConfig) },
    { provide: SignInThrottle, useFactory: () => new SignInThrottle(loadConfig(SignInThrottleConfig).settings()) },
    ApiKeys,
    Operators,
    { provide: OidcSignInConfig, useFactory: () => loadConfig(OidcSignInConfig) },
    OidcSignIn,
    { provide: API_KEY_VERIFIER, useExisting: ApiKeys },
  ],
  exports: [ApiKeys, API_KEY_VERIFIER],
})
export class AccessModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  /** Before the server listens: req.ip believes X-Forwarded-For only from the proxies in TRUST_PROXY (e.g. the dashboard's server). */
  onModuleInit(): void {
    this.http.httpAdapter?.getInstance<{ set(name: string, value: unknown): void }>().set('trust proxy', trustedProxies(process.env.TRUST_PROXY));
  }
}
