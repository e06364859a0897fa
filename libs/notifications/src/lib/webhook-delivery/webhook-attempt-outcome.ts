import { webhookRetryDelayMs, WEBHOOK_RETRY_POLICY, type WebhookRetryPolicy } from '@penalty/domain';

/** What one webhook attempt leaves behind: a final status, or the time of the next attempt. */
export type WebhookAttemptOutcome =
  | { status: 'DELIVERED' | 'FAILED'; attempts: number }
  | { status: 'PENDING'; attempts: number; nextAttemptAt: Date };

/**
 * Applies the retry policy to one attempt. `attemptsBefore` counts the attempts made before this one;
 * a failure schedules the next attempt `webhookRetryDelayMs(attempts)` after `now`, unless this was
 * the policy's last attempt, which makes the notification FAILED.
 */
export function webhookAttemptOutcome(attemptsBefore: number, succeeded: boolean, now: Date, policy: WebhookRetryPolicy): WebhookAttemptOutcome {
  const attempts = attemptsBefore + 1;
  if (succeeded) return { status: 'DELIVERED', attempts };
  if (attempts >= policy.maxAttempts) return { status: 'FAILED', attempts };
  return { status: 'PENDING', attempts, nextAttemptAt: new Date(now.getTime() + webhookRetryDelayMs(attempts, policy)) };
}

/** The rule data's policy with the operator's (or a test's) overrides applied. */
export function webhookRetryPolicyWith(overrides: { maxAttempts?: number; baseDelayMs?: number }): WebhookRetryPolicy {
  return {
    ...WEBHOOK_RETRY_POLICY,
    ...(overrides.maxAttempts !== undefined ? { maxAttempts: overrides.maxAttempts } : {}),
    ...(overrides.baseDelayMs !== undefined ? { baseDelayMs: overrides.baseDelayMs } : {}),
  };
}
