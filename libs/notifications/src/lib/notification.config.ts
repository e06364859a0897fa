import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import type { NotificationChannel } from '@penalty/domain';
import { loadConfig, ServiceConfig } from '@penalty/runtime';

const toNumber = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));

/** Injection token of the validated NotificationConfig. */
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

/** The notification service's settings: the shared ones plus webhook and e-mail delivery. Validated at boot. */
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

  /**
   * The delivery worker's fallback poll (webhooks, e-mail, SMS). It sleeps until the next delivery falls
   * due and is woken by this process's writes; this only bounds how late it sees rows other replicas wrote.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(10)
  WEBHOOK_POLL_MS = 30_000;

  /** SMTP server for the EMAIL channel, e.g. smtp://user:pass@mail.example:587; unset: no e-mail is sent. */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Sender of notification e-mails. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Penalty Platform <no-reply@penalty-platform.example>';

  /** HTTP endpoint of the SMS provider; unset: no SMS is sent. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'SMS_PROVIDER_URL must be an http(s):// URL' })
  SMS_PROVIDER_URL?: string;

  /** Bearer token for the SMS provider. */
  @IsOptional()
  @IsString()
  SMS_PROVIDER_TOKEN?: string;
}

/**
 * Channels this service can deliver with its configuration: the inbox and webhooks always, e-mail when
 * an SMTP server is configured, SMS when a provider is. No row is made for a channel nobody can
 * deliver (it would sit PENDING for ever).
 */
export function deliverableChannels(config: Pick<NotificationConfig, 'SMTP_URL' | 'SMS_PROVIDER_URL'>): NotificationChannel[] {
  return ['INBOX', 'WEBHOOK', ...(config.SMTP_URL ? (['EMAIL'] as const) : []), ...(config.SMS_PROVIDER_URL ? (['SMS'] as const) : [])];
}

export const notificationConfigProvider = {
  provide: NOTIFICATION_CONFIG,
  useFactory: (): NotificationConfig => loadConfig(NotificationConfig),
};
