import { verifyWebhook, type VerifyWebhookInput, type WebhookVerificationFailure } from '@penalty/contracts';
import { decodeDecisionEvent, type DecisionEvent } from '../subscribers/decision-events';

// Verifying and reading a webhook delivery in a merchant's system. The signing scheme itself (headers,
// tolerance, verifyWebhook) is the contracts lib's, shared with the notification service that signs;
// the integration test apps/pipeline-e2e/src/sdk.e2e-spec.ts verifies a real delivery with it.

/** A signature failure, thrown by readWebhook. */
export class WebhookSignatureError extends Error {
  readonly code = 'SDK.WEBHOOK_SIGNATURE_INVALID';
  readonly retriable = false;
  constructor(readonly reason: WebhookVerificationFailure) {
    super(`webhook signature refused: ${reason}`);
    this.name = 'WebhookSignatureError';
  }
}

/**
 * Verifies a delivery, then decodes its body (a decision CloudEvent). Throws WebhookSignatureError
 * (answer 401) or EventValidationError (a body the contract refuses).
 */
export function readWebhook(input: VerifyWebhookInput): DecisionEvent {
  const verification = verifyWebhook(input);
  if (!verification.ok) throw new WebhookSignatureError(verification.reason);
  const decoded = decodeDecisionEvent(typeof input.body === 'string' ? input.body : Buffer.from(input.body));
  if (!decoded.ok) throw decoded.error;
  return decoded.event;
}


