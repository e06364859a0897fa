import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@penalty/runtime';

/** Injection token of the validated SanctionConfig. */
export const SANCTION_CONFIG = Symbol('SANCTION_CONFIG');

/** The sanction service's settings: the shared ones plus the deposit's bounds. Validated at boot. */
export class SanctionConfig extends ServiceConfig {
  /**
   * The largest single deposit payment accepted, in fen (default 10,000,000 CNY, a hundred times the
   * largest deposit of the rulebook's table). A larger one is refused with a 400 naming amountFen.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  DEPOSIT_PAYMENT_MAX_FEN = 1_000_000_000;
}

export const sanctionConfigProvider = {
  provide: SANCTION_CONFIG,
  useFactory: (): SanctionConfig => loadConfig(SanctionConfig),
};
