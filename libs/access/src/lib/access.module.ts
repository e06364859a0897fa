import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { API_KEY_VERIFIER, SlidingWindowThrottlerStorage } from '@penalty/auth';
import { loadConfig } from '@penalty/runtime';
import { ApiKeys, ApiKeysConfig, ApiKeysController } from './api-keys';
import { Operators, OperatorsController, SessionsController } from './operators';

const perMinute = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * Sign-in, operator accounts and API keys (the api service). Rate limits: sign-in attempts per client
 * address, and ingestion requests per API key (SIGN_IN_ATTEMPTS_PER_MINUTE, INGESTION_REQUESTS_PER_MINUTE).
 * Global: the auth guard, provided with every service's pipeline, verifies API keys through it.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRoot({
      throttlers: [
        { name: 'sign-in', ttl: 60_000, limit: perMinute('SIGN_IN_ATTEMPTS_PER_MINUTE', 10) },
        { name: 'ingestion', ttl: 60_000, limit: perMinute('INGESTION_REQUESTS_PER_MINUTE', 60_000) },
      ],
      // Constant cost per request at any rate (the default storage keeps and filters every hit of the minute).
      storage: new SlidingWindowThrottlerStorage(),
    }),
  ],
  controllers: [SessionsController, OperatorsController, ApiKeysController],
  providers: [{ provide: ApiKeysConfig, useFactory: () => loadConfig(ApiKeysConfig) }, ApiKeys, Operators, { provide: API_KEY_VERIFIER, useExisting: ApiKeys }],
  exports: [ApiKeys, API_KEY_VERIFIER],
})
export class AccessModule {}
