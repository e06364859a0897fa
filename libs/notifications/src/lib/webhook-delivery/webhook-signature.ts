import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-penalty-signature';
/** Header carrying the notification id: the same on every retry, so receivers can deduplicate. */
export const WEBHOOK_DELIVERY_ID_HEADER = 'x-penalty-delivery-id';
/** How far a signature's timestamp may be from the receiver's clock before it is refused (replays). */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

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

/**
 * For receivers: true when `header` signs exactly `body` (the raw request bytes, before any JSON
 * parsing) with `secret`, and its timestamp is within `toleranceSeconds` of `nowSeconds`.
 * Several `v1=` entries are accepted (one matching is enough), which allows rotating the secret.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: string | Uint8Array,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && /^\d+$/.test(value ?? '')) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(digest(secret, timestamp, body), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}
