import { createHmac } from 'node:crypto';
import { goldenFixture } from '@penalty/contracts';
import { readWebhook, verifyWebhook, verifyWebhookSignature, WebhookSignatureError } from '../../index';

// Signed here as the platform signs (HMAC-SHA256 of "<t>.<body>", hex), independently of the SDK's code.
const sign = (secret: string, t: number, body: string) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
const secret = 'whsec-test';
const body = JSON.stringify(goldenFixture('penalty.assessed.v1'));
const now = 1_800_000_000;

describe('webhook signature verifier', () => {
  it('accepts the platform’s signature of exactly this body, within the tolerance', () => {
    expect(verifyWebhook({ secret, header: sign(secret, now - 10, body), body, nowSeconds: now })).toEqual({ ok: true, timestampSeconds: now - 10 });
    expect(verifyWebhookSignature(secret, sign(secret, now, body), Buffer.from(body), now)).toBe(true);
  });

  it('refuses another body, another secret, and says why', () => {
    expect(verifyWebhook({ secret, header: sign(secret, now, body), body: body + ' ', nowSeconds: now })).toEqual({ ok: false, reason: 'SIGNATURE_MISMATCH' });
    expect(verifyWebhook({ secret: 'other', header: sign(secret, now, body), body, nowSeconds: now })).toEqual({ ok: false, reason: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a timestamp outside the tolerance either way (replays), and honours another tolerance', () => {
    const header = sign(secret, now - 301, body);
    expect(verifyWebhook({ secret, header, body, nowSeconds: now })).toEqual({ ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(verifyWebhook({ secret, header: sign(secret, now + 301, body), body, nowSeconds: now }).ok).toBe(false);
    expect(verifyWebhook({ secret, header, body, nowSeconds: now, toleranceSeconds: 600 }).ok).toBe(true);
    // The timestamp is signed: changing it breaks the signature.
    const forged = header.replace(`t=${now - 301}`, `t=${now}`);
    expect(verifyWebhook({ secret, header: forged, body, nowSeconds: now })).toEqual({ ok: false, reason: 'SIGNATURE_MISMATCH' });
  });

  it('refuses missing and malformed headers', () => {
    expect(verifyWebhook({ secret, header: undefined, body, nowSeconds: now })).toEqual({ ok: false, reason: 'MISSING_SIGNATURE' });
    expect(verifyWebhook({ secret, header: '', body, nowSeconds: now })).toEqual({ ok: false, reason: 'MISSING_SIGNATURE' });
    for (const header of [`t=${now}`, 'v1=' + 'a'.repeat(64), `t=x,v1=${'a'.repeat(64)}`, `t=${now},v1=${'A'.repeat(64)}`, `t=${now},v1=abc`]) {
      expect([header, verifyWebhook({ secret, header, body, nowSeconds: now })]).toEqual([header, { ok: false, reason: 'MALFORMED_SIGNATURE' }]);
    }
  });

  it('accepts one matching entry among several (secret rotation), and several secrets', () => {
    const header = `${sign('old', now, body)},v1=${sign(secret, now, body).split('v1=')[1]}`;
    expect(verifyWebhook({ secret, header, body, nowSeconds: now }).ok).toBe(true);
    expect(verifyWebhook({ secret: ['new', secret], header: sign(secret, now, body), body, nowSeconds: now }).ok).toBe(true);
  });

  it('reads a signed delivery as a typed decision event, or throws a typed error', () => {
    const event = readWebhook({ secret, header: sign(secret, now, body), body, nowSeconds: now });
    expect(event.type).toBe('penalty.assessed.v1');
    if (event.type === 'penalty.assessed.v1') expect(event.data.totals).toEqual(goldenFixture('penalty.assessed.v1').data.totals);
    expect(() => readWebhook({ secret, header: sign('other', now, body), body, nowSeconds: now })).toThrow(WebhookSignatureError);
    const invalid = '{"specversion":"1.0"}';
    expect(() => readWebhook({ secret, header: sign(secret, now, invalid), body: invalid, nowSeconds: now })).toThrow(expect.objectContaining({ reason: 'ENVELOPE_INVALID' }));
  });
});
