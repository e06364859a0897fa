import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { CLOUDEVENTS_CONTENT_TYPE } from '@penalty/contracts';
import type { Clock, WebhookRetryPolicy } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { CLOCK, PipelineMetrics, WakeablePause } from '@penalty/runtime';
import { deliverableChannels, NOTIFICATION_CONFIG, type NotificationConfig } from '../notification.config';
import { publishNotificationSent } from '../notification-sent.event';
import { webhookAttemptOutcome, webhookRetryPolicyWith } from '../webhook-delivery/webhook-attempt-outcome';
import { signWebhook, WEBHOOK_DELIVERY_ID_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../webhook-delivery/webhook-signature';
import { EmailSender } from './email-sender';
import { HttpSmsProvider, type SmsProvider } from './sms-provider';

/** Most rows claimed per poll, and most deliveries in flight at once. */
const CLAIM_BATCH = 20;
/** How long a claim keeps other workers off a row; well above the request timeout. */
const LEASE_MS = 30_000;
const ERROR_BACKOFF_MS = 1_000;

interface ClaimedNotification {
  notification_id: string;
  merchant_id: string;
  channel: 'WEBHOOK' | 'EMAIL' | 'SMS';
  title: string;
  body: string;
  email: string | null;
  phone: string | null;
  template: string;
  cause_event_id: string;
  payload: string;
  attempts: number;
  lease_until: Date;
  webhook_url: string | null;
}

/**
 * Delivers the notifications that leave the platform (WEBHOOK, EMAIL, SMS): claims due PENDING rows with a
 * lease (so replicas share the work and a crashed worker's rows come back after the lease), sends them
 * outside any transaction (a webhook POSTs the cause CloudEvent signed with WEBHOOK_SIGNING_SECRET; an
 * e-mail goes to the merchant's address through SMTP; an SMS through the provider), then records the outcome. A final outcome
 * (DELIVERED, or FAILED after the last attempt) publishes notification.sent.v1 through the outbox in
 * the transaction that writes it. Delivery is at-least-once: receivers deduplicate by x-penalty-delivery-id (X-Penalty-Notification-Id in mail).
 */
@Injectable()
export class NotificationDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationDeliveryWorker.name);
  private readonly policy: WebhookRetryPolicy;
  private readonly deliveries: Counter<'channel' | 'outcome'>;
  private running = false;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly idle = new WakeablePause();
  private readonly channels: string[];
  private readonly email?: EmailSender;
  private readonly sms?: SmsProvider;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
    metrics: PipelineMetrics,
  ) {
    this.policy = webhookRetryPolicyWith({ maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, baseDelayMs: config.WEBHOOK_RETRY_BASE_MS });
    this.channels = deliverableChannels(config).filter((channel) => channel !== 'INBOX');
    if (config.SMTP_URL) this.email = new EmailSender(config.SMTP_URL, config.MAIL_FROM, config.WEBHOOK_TIMEOUT_MS);
    if (config.SMS_PROVIDER_URL) this.sms = new HttpSmsProvider(config.SMS_PROVIDER_URL, config.SMS_PROVIDER_TOKEN, config.WEBHOOK_TIMEOUT_MS);
    const name = 'penalty_notification_deliveries_total';
    this.deliveries =
      (metrics.registry.getSingleMetric(name) as Counter<'channel' | 'outcome'> | undefined) ??
      new Counter({ name, help: 'Delivery attempts, by channel and outcome (DELIVERED, PENDING = will retry, FAILED)', labelNames: ['channel', 'outcome'], registers: [metrics.registry] });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Before the data source closes (onApplicationShutdown): lets in-flight deliveries finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.idle.wake();
    await this.loop;
    await Promise.all(this.inFlight);
    this.email?.close();
  }

  /** Claims due notifications and delivers them; resolves when those deliveries are recorded. Returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claimDue(CLAIM_BATCH);
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length;
  }

  /**
   * Each poll tops the in-flight deliveries up to CLAIM_BATCH without waiting for the slow ones, so
   * one endpoint that times out does not hold back the retries of the others.
   */
  private async run(): Promise<void> {
    while (this.running) {
      try {
        const free = CLAIM_BATCH - this.inFlight.size;
        const claimed = free > 0 ? await this.claimDue(free) : [];
        for (const row of claimed) {
          const delivery = this.deliver(row).finally(() => {
            this.inFlight.delete(delivery);
            if (this.inFlight.size === CLAIM_BATCH - 1) this.idle.wake();
          });
          this.inFlight.add(delivery);
        }
        if (claimed.length === 0 || claimed.length < free) await this.idle.pause(this.config.WEBHOOK_POLL_MS);
      } catch (error) {
        this.logger.warn(`delivery poll failed, retrying: ${(error as Error).message}`);
        await this.idle.pause(ERROR_BACKOFF_MS);
      }
    }
  }

  private async claimDue(limit: number): Promise<ClaimedNotification[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    return this.dataSource.query(
      `WITH claimed AS (
         UPDATE notification SET lease_until = $2
          WHERE notification_id IN (
            SELECT notification_id FROM notification
             WHERE status = 'PENDING' AND channel = ANY($4::text[]) AND next_attempt_at <= $1
               AND (lease_until IS NULL OR lease_until < $1)
             ORDER BY next_attempt_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
         RETURNING *)
       SELECT claimed.notification_id, claimed.merchant_id, claimed.channel, claimed.template, claimed.title, claimed.body,
              claimed.cause_event_id, claimed.payload, claimed.attempts, claimed.lease_until, contact.webhook_url, contact.email, contact.phone
         FROM claimed LEFT JOIN merchant_contact contact ON contact.merchant_id = claimed.merchant_id`,
      [now, leaseUntil, limit, this.channels],
    );
  }

  private async deliver(row: ClaimedNotification): Promise<void> {
    const error = row.channel === 'EMAIL' ? await this.mail(row) : row.channel === 'SMS' ? await this.text(row) : await this.post(row);
    try {
      await this.record(row, error);
    } catch (recordError) {
      // The lease runs out and the row is claimed again: one more (deduplicable) delivery at worst.
      this.logger.warn(`could not record the delivery outcome of ${row.notification_id}: ${(recordError as Error).message}`);
    }
  }

  /** Mails the notification to the merchant's current address; returns undefined once accepted, else why it failed. */
  private async mail(row: ClaimedNotification): Promise<string | undefined> {
    if (!row.email) return 'the merchant has no e-mail address';
    if (!this.email) return 'no SMTP server is configured';
    return this.email.send({ notificationId: row.notification_id, to: row.email, subject: row.title, text: row.body });
  }

  /** Texts the notification's body to the merchant's current phone number through the SMS provider. */
  private async text(row: ClaimedNotification): Promise<string | undefined> {
    if (!row.phone) return 'the merchant has no phone number';
    if (!this.sms) return 'no SMS provider is configured';
    return this.sms.send({ notificationId: row.notification_id, to: row.phone, text: row.body });
  }

  /** POSTs the cause event; returns undefined on a 2xx answer, else why it failed. */
  private async post(row: ClaimedNotification): Promise<string | undefined> {
    // The URL is read at delivery time, so a merchant who fixes a broken endpoint gets the retries there.
    if (!row.webhook_url) return 'the merchant has no webhook URL';
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    try {
      const response = await fetch(row.webhook_url, {
        method: 'POST',
        headers: {
          'content-type': CLOUDEVENTS_CONTENT_TYPE,
          [WEBHOOK_DELIVERY_ID_HEADER]: row.notification_id,
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(this.config.WEBHOOK_SIGNING_SECRET, timestamp, row.payload),
        },
        body: row.payload,
        // A redirect is an answer we do not follow: the merchant registers the final URL.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return describeFetchError(error, this.config.WEBHOOK_TIMEOUT_MS);
    }
  }

  private async record(row: ClaimedNotification, error: string | undefined): Promise<void> {
    const now = this.clock.now();
    const outcome = webhookAttemptOutcome(row.attempts, error === undefined, now, this.policy);
    await this.runner.run([row.merchant_id], async ({ manager }) => {
      // Guarded by the lease: if it ran out and another worker took the row, that worker records instead.
      const guard = `WHERE notification_id = $1 AND status = 'PENDING' AND lease_until = $2`;
      if (outcome.status === 'PENDING') {
        await manager.query(
          `UPDATE notification SET attempts = $3, next_attempt_at = $4, lease_until = NULL, last_error = $5 ${guard}`,
          [row.notification_id, row.lease_until, outcome.attempts, outcome.nextAttemptAt, error ?? null],
        );
        return;
      }
      const [updated] = await manager.query(
        `UPDATE notification SET status = $3, attempts = $4, lease_until = NULL, last_error = $5, delivered_at = $6 ${guard}
         RETURNING notification_id`,
        [row.notification_id, row.lease_until, outcome.status, outcome.attempts, error ?? null, outcome.status === 'DELIVERED' ? now : null],
      );
      // manager.query of an UPDATE … RETURNING answers [rows, affectedCount] with the pg driver.
      if (!Array.isArray(updated) || updated.length === 0) return;
      publishNotificationSent(manager, { ...row, status: outcome.status, attempts: outcome.attempts }, now);
    });
    this.deliveries.inc({ channel: row.channel, outcome: outcome.status });
    if (error) this.logger.warn(`${row.channel} ${row.notification_id} attempt ${outcome.attempts} failed (${error}): ${outcome.status}`);
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message}: ${cause}` : String(e?.message ?? error);
}
