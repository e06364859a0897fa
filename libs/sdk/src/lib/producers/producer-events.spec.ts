import { buildMerchantProfileEvent, buildViolationDetectedEvent, EventValidationError, validateProducerEvent, violationDetectedEvent } from '../../index';

const violation = {
  violationId: 'v-1',
  merchantId: 'm-1',
  code: 'COUNTERFEIT_GOODS' as const,
  severity: 'STANDARD' as const,
  occurredAt: '2026-11-20T10:00:00+08:00',
  detectedBy: 'listing-audit',
};

describe('producer event builders', () => {
  it('builds a valid violation.detected.v1: subject is the merchant id, defaults applied, the given id and time kept', () => {
    const result = buildViolationDetectedEvent(violation, { source: 'listing-audit', id: 'e-1', time: '2026-11-20T10:00:01+08:00' });
    expect(result).toEqual({
      ok: true,
      event: {
        specversion: '1.0',
        id: 'e-1',
        source: 'listing-audit',
        type: 'violation.detected.v1',
        time: '2026-11-20T10:00:01+08:00',
        subject: 'm-1',
        datacontenttype: 'application/json',
        data: { ...violation, itemAction: 'NONE' },
      },
    });
  });

  it('gives a random id and the current time by default, and keeps a well-formed traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const a = violationDetectedEvent(violation, { source: 's', traceparent });
    const b = violationDetectedEvent(violation, { source: 's' });
    expect(a.id).not.toBe(b.id);
    expect(Math.abs(Date.parse(a.time) - Date.now())).toBeLessThan(5_000);
    expect(a.traceparent).toBe(traceparent);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('returns a typed error naming each invalid field by its path', () => {
    const result = buildViolationDetectedEvent(
      { ...violation, code: 'NOT_A_CODE' as never, occurredAt: '2026-06-30T23:59:60Z', evidence: [{ kind: 'photo', uri: 'https://e.example/1', sha256: 'xyz' }] },
      { source: 'listing-audit' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(EventValidationError);
    expect(result.error.reason).toBe('DATA_INVALID');
    expect(result.error.retriable).toBe(false);
    expect(result.error.fields.sort()).toEqual(['data.code', 'data.evidence.0.sha256', 'data.occurredAt']);
  });

  it('reports an unknown code alone as UNKNOWN_VIOLATION_CODE, and the throwing variant throws it', () => {
    expect(() => violationDetectedEvent({ ...violation, code: 'NOT_A_CODE' as never }, { source: 's' })).toThrow(
      expect.objectContaining({ reason: 'UNKNOWN_VIOLATION_CODE', violations: [expect.objectContaining({ field: 'data.code' })] }),
    );
  });

  it('refuses a missing merchant id at data.merchantId', () => {
    const result = buildViolationDetectedEvent({ ...violation, merchantId: '' }, { source: 's' });
    expect(!result.ok && result.error.fields).toEqual(expect.arrayContaining(['data.merchantId']));
  });

  it('builds and validates merchant.profile.updated.v1', () => {
    const ok = buildMerchantProfileEvent({ merchantId: 'm-2', storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: true, contact: { email: 'owner@m-2.example' } }, { source: 'merchant-center' });
    expect(ok.ok && ok.event).toMatchObject({ type: 'merchant.profile.updated.v1', subject: 'm-2', data: { contact: { email: 'owner@m-2.example' } } });
    const bad = buildMerchantProfileEvent({ merchantId: 'm-2', storeType: 'KIOSK' as never, trademarkStatus: 'R', categories: [], examEligible: true, contact: { email: 'nope' } }, { source: 'merchant-center' });
    expect(!bad.ok && bad.error.fields.sort()).toEqual(['data.contact.email', 'data.storeType']);
  });

  it('validates an event built elsewhere: a subject other than the merchant id and a decision type are refused', () => {
    const event = violationDetectedEvent(violation, { source: 's' });
    const moved = validateProducerEvent({ ...event, subject: 'm-other' });
    expect(!moved.ok && moved.error.fields).toEqual(['subject']);
    const decision = validateProducerEvent({ ...event, type: 'penalty.assessed.v1' });
    expect(!decision.ok && decision.error.reason).toBe('UNKNOWN_TYPE');
  });
});
