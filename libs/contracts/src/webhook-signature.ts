import { createHmac, timingSafeEqual } from 'node:crypto';

// How the platform signs its webhook deliveries, for the notification service (which signs) and for
// merchants' systems through the SDK (which verify):
// `x-penalty-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the timestamp signed
// with the body so that a captured request cannot be replayed later.

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-penalty-signature';
/** Header carrying the notification id: the same on every retry, so receivers can deduplicate. */
export const WEBHOOK_DELIVERY_ID_HEADER = 'x-penalty-delivery-id';
/** How far a signature's timestamp may be from the receiver's clock (replays of captured requests). */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookVerificationFailure = 'MISSING_SIGNATURE' | 'MALFORMED_SIGNATURE' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'SIGNATURE_MISMATCH';

export type WebhookVerification = { ok: true; timestampSeconds: number } | { ok: false; reason: WebhookVerificationFailure };

export interface VerifyWebhookInput {
  /** The signing secret the platform was configured with (WEBHOOK_SIGNING_SECRET); one or several while rotating. */
  secret: string | readonly string[];
  /** The `x-penalty-signature` header value. */
  header: string | readonly string[] | undefined | null;
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string | Uint8Array;
  /** Default: the clock now. */
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/**
 * Checks a webhook delivery's signature: the header must sign exactly `body` with a secret and its
 * timestamp be within the tolerance of now. Digests are compared in constant time. Several `v1=`
 * entries are accepted (one matching is enough), as are several secrets (rotation).
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  const header = Array.isArray(input.header) ? input.header.join(',') : (input.header as string | undefined | null);
  if (!header) return { ok: false, reason: 'MISSING_SIGNATURE' };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [name, value = ''] = part.trim().split('=', 2);
    if (name === 't' && /^\d{1,15}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'MALFORMED_SIGNATURE' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? WEBHOOK_SIGNATURE_TOLERANCE_SECONDS)) return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  const matched = secrets.some((secret) => {
    const expected = Buffer.from(digest(secret, timestamp!, input.body), 'hex');
    // Every candidate is compared (no early exit on the first byte that differs).
    return signatures.some((signature) => timingSafeEqual(signature, expected));
  });
  return matched ? { ok: true, timestampSeconds: timestamp } : { ok: false, reason: 'SIGNATURE_MISMATCH' };
}

/** As verifyWebhook, as the platform's own `verifyWebhookSignature(secret, header, body, now, tolerance)`. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: string | Uint8Array,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  return verifyWebhook({ secret, header, body, nowSeconds, toleranceSeconds }).ok;
}

function digest(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/**
 * The `x-penalty-signature` value for a webhook body sent at `timestampSeconds` (unix seconds).
 * The timestamp is signed with the body so that a captured request cannot be replayed later.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new RangeError('timestampSeconds must be a non-negative integer');
  return `t=${timestampSeconds},v1=${digest(secret, timestampSeconds, body)}`;
}

