import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { loadConfig, ServiceConfig } from '@penalty/runtime';

const toNumber = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));

/** Injection token of the validated NotificationConfig. */
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

/** The notification service's settings: the shared ones plus webhook delivery. Validated at boot. */
export class NotificationConfig extends ServiceConfig {
  /** HMAC-SHA256 key of the `x-penalty-signature` header; merchants verify webhooks with it. */
  @IsString()
  @MinLength(16, { message: 'WEBHOOK_SIGNING_SECRET must be at least 16 characters' })
  WEBHOOK_SIGNING_SECRET!: string;

  /** Overrides WEBHOOK_RETRY_POLICY.maxAttempts of the rule data (tests use small values). */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_ATTEMPTS?: number;

  /** Overrides the policy's base delay between attempts, in milliseconds. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_BASE_MS?: number;

  /** Time allowed for one webhook POST before it counts as failed. */
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 5_000;

  /** How often the delivery worker looks for due webhooks. */
  @Transform(toNumber)
  @IsInt()
  @Min(10)
  WEBHOOK_POLL_MS = 200;
}

export const notificationConfigProvider = {
  provide: NOTIFICATION_CONFIG,
  useFactory: (): NotificationConfig => loadConfig(NotificationConfig),
};
