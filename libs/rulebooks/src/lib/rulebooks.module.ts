import { Module } from '@nestjs/common';
import { loadConfig, MarketplaceConfig, ruleOverridesFromEnvironment } from '@penalty/runtime';
import { RULE_OVERRIDES, RulebookVersionsHandler } from './manage-versions/rulebook-versions.handler';
import { RulebookVersionsRepository } from './rulebook-versions.repository';
import { RulebooksController } from './rulebooks.controller';

/** Rulebook versions per marketplace (rulebook section 9), kept by the api: the store and the operators' steps on it. */
@Module({
  providers: [
    { provide: MarketplaceConfig, useFactory: () => loadConfig(MarketplaceConfig) },
    { provide: RULE_OVERRIDES, useFactory: () => ruleOverridesFromEnvironment() },
    RulebookVersionsRepository,
    RulebookVersionsHandler,
  ],
  controllers: [RulebooksController],
})
export class RulebooksModule {}
