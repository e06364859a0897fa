import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter } from 'prom-client';
import { CLOUDEVENTS_CONTENT_TYPE, signWebhook, Topics, WEBHOOK_DELIVERY_ID_HEADER, WEBHOOK_SIGNATURE_HEADER } from '@penalty/contracts';
import type { Clock, WebhookRetryPolicy } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { CLOCK, DueWorkLoop, PipelineMetrics, type DueWork } from '@penalty/runtime';
import { MerchantContactRepository } from '../merchant-contact.repository';
import { deliverableChannels, NOTIFICATION_CONFIG, type NotificationConfig } from '../notification.config';
import { notificationSentEvent } from '../notification-sent.event';
import { NotificationRepository, type ClaimedNotification } from '../notification.repository';
import { webhookAttemptOutcome, webhookRetryPolicyWith } from '../webhook-delivery/webhook-attempt-outcome';
import { EmailSender } from './email-sender';
import { PendingDeliveries } from './pending-deliveries';
import { HttpSmsProvider, type SmsProvider } from './sms-provider';

/** Most rows claimed per poll, and most deliveries in flight at once. */
const CLAIM_BATCH = 20;
/** How long a claim keeps other workers off a row; well above the request timeout. */
const LEASE_MS = 30_000;
const ERROR_BACKOFF_MS = 1_000;

/** A claimed row with the merchant's addresses, read at delivery time. */
interface Delivery extends ClaimedNotification {
  email: string | null;
  phone: string | null;
  webhook_url: string | null;
}

/**
 * Delivers the notifications that leave the platform (WEBHOOK, EMAIL, SMS): claims due PENDING rows with a
 * lease (so replicas share the work and a crashed worker's rows come back after the lease), sends them
 * outside any transaction (a webhook POSTs the cause CloudEvent signed with WEBHOOK_SIGNING_SECRET; an
 * e-mail goes to the merchant's address through SMTP; an SMS through the provider), then records the outcome. A final outcome
 * (DELIVERED, or FAILED after the last attempt) publishes notification.sent.v1 through the outbox in
 * the transaction that writes it. Delivery is at-least-once: receivers deduplicate by x-penalty-delivery-id (X-Penalty-Notification-Id in mail).
 *
 * Idle, it costs nothing: it sleeps until the next row can be claimed (its next attempt, or the end of
 * a lease someone holds), woken at once when this process commits new PENDING rows or schedules a
 * retry, and looks again every WEBHOOK_POLL_MS (a slow fallback, for rows other replicas wrote).
 */
@Injectable()
export class NotificationDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationDeliveryWorker.name);
  private readonly policy: WebhookRetryPolicy;
  private readonly deliveries: Counter<'channel' | 'outcome'>;
  private readonly loop: DueWorkLoop;
  private stopListening?: () => void;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly channels: string[];
  private readonly email?: EmailSender;
  private readonly sms?: SmsProvider;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly contacts: MerchantContactRepository,
    private readonly runner: TransactionRunner,
    private readonly pending: PendingDeliveries,
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
    this.loop = new DueWorkLoop(NotificationDeliveryWorker.name, () => this.topUp(), clock, { fallbackMs: config.WEBHOOK_POLL_MS, errorBackoffMs: ERROR_BACKOFF_MS });
  }

  onApplicationBootstrap(): void {
    this.stopListening = this.pending.listen((dueAt) => this.loop.wake(dueAt));
    this.loop.start();
  }

  /** Before the data source closes (onApplicationShutdown): lets in-flight deliveries finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    await this.loop.stop();
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
   * One turn of the loop: tops the in-flight deliveries up to CLAIM_BATCH without waiting for the slow
   * ones, so one endpoint that times out does not hold back the retries of the others. With every
   * slot taken it waits for one to free (which wakes it); otherwise until the next row can be claimed.
   */
  private async topUp(): Promise<DueWork> {
    const free = CLAIM_BATCH - this.inFlight.size;
    const claimed = free > 0 ? await this.claimDue(free) : [];
    for (const row of claimed) {
      const delivery = this.deliver(row).finally(() => {
        this.inFlight.delete(delivery);
        if (this.inFlight.size === CLAIM_BATCH - 1) this.loop.wake();
      });
      this.inFlight.add(delivery);
    }
    if (claimed.length > 0 && claimed.length === free) return { more: true, nextDueAt: null };
    if (this.inFlight.size >= CLAIM_BATCH) return { more: false, nextDueAt: null };
    return { more: false, nextDueAt: await this.notifications.nextClaimableAt(this.channels) };
  }

  private async claimDue(limit: number): Promise<Delivery[]> {
    const now = this.clock.now();
    const claimed = await this.notifications.claimDue(now, new Date(now.getTime() + LEASE_MS), limit, this.channels);
    if (claimed.length === 0) return [];
    // The addresses are read at delivery time, so a merchant who fixes a broken endpoint gets the retries there.
    const contacts = await this.contacts.findManyNow(claimed.map((row) => row.merchant_id));
    return claimed.map((row) => {
      const contact = contacts.get(row.merchant_id);
      return { ...row, email: contact?.email ?? null, phone: contact?.phone ?? null, webhook_url: contact?.webhookUrl ?? null };
    });
  }

  private async deliver(row: Delivery): Promise<void> {
    const error = row.channel === 'EMAIL' ? await this.mail(row) : row.channel === 'SMS' ? await this.text(row) : await this.post(row);
    try {
      await this.record(row, error);
    } catch (recordError) {
      // The lease runs out and the row is claimed again: one more (deduplicable) delivery at worst.
      this.logger.warn(`could not record the delivery outcome of ${row.notification_id}: ${(recordError as Error).message}`);
    }
  }

  /** Mails the notification to the merchant's current address; returns undefined once accepted, else why it failed. */
  private async mail(row: Delivery): Promise<string | undefined> {
    if (!row.email) return 'the merchant has no e-mail address';
    if (!this.email) return 'no SMTP server is configured';
    return this.email.send({ notificationId: row.notification_id, to: row.email, subject: row.title, text: row.body });
  }

  /** Texts the notification's body to the merchant's current phone number through the SMS provider. */
  private async text(row: Delivery): Promise<string | undefined> {
    if (!row.phone) return 'the merchant has no phone number';
    if (!this.sms) return 'no SMS provider is configured';
    return this.sms.send({ notificationId: row.notification_id, to: row.phone, text: row.body });
  }

  /** POSTs the cause event; returns undefined on a 2xx answer, else why it failed. */
  private async post(row: Delivery): Promise<string | undefined> {
    if (!row.webhook_url) return 'the merchant has no webhook URL';
    const payload = row.payload;
    if (payload === null) return 'the notification holds no event to post';
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    try {
      const response = await fetch(row.webhook_url, {
        method: 'POST',
        headers: {
          'content-type': CLOUDEVENTS_CONTENT_TYPE,
          [WEBHOOK_DELIVERY_ID_HEADER]: row.notification_id,
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(this.config.WEBHOOK_SIGNING_SECRET, timestamp, payload),
        },
        body: payload,
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

  private async record(row: Delivery, error: string | undefined): Promise<void> {
    const now = this.clock.now();
    const outcome = webhookAttemptOutcome(row.attempts, error === undefined, now, this.policy);
    await this.runner.run(async (tx) => {
      if (outcome.status === 'PENDING') {
        await this.notifications.recordRetry(tx, row, outcome.attempts, outcome.nextAttemptAt, error ?? null);
        return;
      }
      const recorded = await this.notifications.recordFinal(tx, row, outcome.status, outcome.attempts, error ?? null, outcome.status === 'DELIVERED' ? now : null);
      if (recorded) {
        const sent = { notificationId: row.notification_id, merchantId: row.merchant_id, channel: row.channel, template: row.template, causeEventId: row.cause_event_id, status: outcome.status, attempts: outcome.attempts };
        tx.publish(Topics.NotificationsSentV1, notificationSentEvent(sent, now));
      }
    });
    // The retry is this worker's to make: sleep until then rather than until the fallback poll.
    if (outcome.status === 'PENDING') this.loop.wake(outcome.nextAttemptAt);
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
