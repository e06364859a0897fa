import { WEBHOOK_RETRY_POLICY } from '@penalty/domain';
import { webhookAttemptOutcome, webhookRetryPolicyWith } from './webhook-attempt-outcome';

describe('webhookAttemptOutcome', () => {
  const now = new Date('2023-06-25T02:00:00Z');
  const policy = WEBHOOK_RETRY_POLICY;

  it('delivers on success, counting the attempt', () => {
    expect(webhookAttemptOutcome(0, true, now, policy)).toEqual({ status: 'DELIVERED', attempts: 1 });
    expect(webhookAttemptOutcome(3, true, now, policy)).toEqual({ status: 'DELIVERED', attempts: 4 });
  });

  it('retries a failure on the policy schedule (1 s, 2 s, 4 s, 8 s by default)', () => {
    const delays = [0, 1, 2, 3].map((before) => {
      const outcome = webhookAttemptOutcome(before, false, now, policy);
      if (outcome.status !== 'PENDING') throw new Error(`attempt ${before + 1} should be retried`);
      expect(outcome.attempts).toBe(before + 1);
      return outcome.nextAttemptAt.getTime() - now.getTime();
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('fails for good after the last attempt', () => {
    expect(webhookAttemptOutcome(policy.maxAttempts - 1, false, now, policy)).toEqual({ status: 'FAILED', attempts: policy.maxAttempts });
  });

  it('still delivers on the last attempt', () => {
    expect(webhookAttemptOutcome(policy.maxAttempts - 1, true, now, policy)).toEqual({ status: 'DELIVERED', attempts: policy.maxAttempts });
  });

  it('applies the WEBHOOK_MAX_ATTEMPTS / WEBHOOK_RETRY_BASE_MS overrides', () => {
    const fast = webhookRetryPolicyWith({ maxAttempts: 2, baseDelayMs: 50 });
    expect(fast).toEqual({ ...WEBHOOK_RETRY_POLICY, maxAttempts: 2, baseDelayMs: 50 });
    expect(webhookAttemptOutcome(0, false, now, fast)).toEqual({ status: 'PENDING', attempts: 1, nextAttemptAt: new Date(now.getTime() + 50) });
    expect(webhookAttemptOutcome(1, false, now, fast)).toEqual({ status: 'FAILED', attempts: 2 });
  });

  it('keeps the rule data when nothing is overridden', () => {
    expect(webhookRetryPolicyWith({})).toEqual(WEBHOOK_RETRY_POLICY);
  });
});
