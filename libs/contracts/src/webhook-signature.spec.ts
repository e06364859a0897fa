import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'test-signing-secret-0123456789';
  const body = JSON.stringify({ specversion: '1.0', id: 'e-1', type: 'sanction.imposed.v1', subject: 'm-1', data: { sanctionId: 's-1' } });
  const t = 1_700_000_000;

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('signs bytes and the equal string alike', () => {
    expect(signWebhook(secret, t, Buffer.from(body, 'utf8'))).toBe(signWebhook(secret, t, body));
  });

  it('verifies its own signature', () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, t, body), body, t + 10)).toBe(true);
  });

  it('refuses a tampered body', () => {
    const header = signWebhook(secret, t, body);
    expect(verifyWebhookSignature(secret, header, body.replace('s-1', 's-2'), t)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body + ' ', t)).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    expect(verifyWebhookSignature(secret, signWebhook('another-secret-0123456789', t, body), body, t)).toBe(false);
  });

  it('refuses a tampered timestamp', () => {
    const header = signWebhook(secret, t, body).replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyWebhookSignature(secret, header, body, t)).toBe(false);
  });

  it('refuses a stale or future timestamp (replay) outside the tolerance', () => {
    const header = signWebhook(secret, t, body);
    expect(verifyWebhookSignature(secret, header, body, t + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t - 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t + 301, 600)).toBe(true);
  });

  it('accepts any matching v1 entry (secret rotation)', () => {
    const old = signWebhook('old-secret-0123456789abcdef', t, body).split(',')[1];
    const header = `${signWebhook(secret, t, body)},${old}`;
    expect(verifyWebhookSignature(secret, header, body, t)).toBe(true);
    expect(verifyWebhookSignature('old-secret-0123456789abcdef', header, body, t)).toBe(true);
  });

  it.each([undefined, null, '', 'garbage', `t=${t}`, 'v1=abc', `t=x,v1=${'0'.repeat(64)}`, `t=${t},v1=${'z'.repeat(64)}`])(
    'refuses a malformed header %p',
    (header) => {
      expect(verifyWebhookSignature(secret, header, body, t)).toBe(false);
    },
  );

  it('rejects a non-integer timestamp when signing', () => {
    expect(() => signWebhook(secret, 1.5, body)).toThrow(RangeError);
  });
});
