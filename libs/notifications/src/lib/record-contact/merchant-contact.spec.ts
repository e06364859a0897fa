import { buildCloudEvent, EventTypes, type CloudEvent, type MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { contactAfter, contactOfProfile, latestContacts } from './merchant-contact';

const profile = (merchantId: string, time: string, contact?: MerchantProfileUpdatedV1['contact']) =>
  buildCloudEvent({
    type: EventTypes.MerchantProfileUpdatedV1,
    source: 'merchant-center',
    subject: merchantId,
    time,
    data: { merchantId, storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: false, ...(contact ? { contact } : {}) },
  }) as CloudEvent<MerchantProfileUpdatedV1>;

describe('merchant contacts from profiles', () => {
  it('takes the whole contact of a profile: a missing field or contact clears it, the locale defaults to Chinese', () => {
    expect(contactOfProfile(profile('m-1', '2026-11-01T09:00:00+08:00', { email: 'a@m.example', locale: 'en' }))).toEqual({
      merchantId: 'm-1', email: 'a@m.example', phone: null, webhookUrl: null, locale: 'en', updatedAt: new Date('2026-11-01T01:00:00Z'),
    });
    expect(contactOfProfile(profile('m-1', '2026-11-01T09:00:00+08:00'))).toMatchObject({ email: null, phone: null, webhookUrl: null, locale: 'zh-CN' });
  });

  it('keeps the known contact when a profile is older, and takes one of the same time or later', () => {
    const known = contactOfProfile(profile('m-1', '2026-11-02T09:00:00+08:00', { email: 'new@m.example' }));
    expect(contactAfter(known, contactOfProfile(profile('m-1', '2026-11-01T09:00:00+08:00', { email: 'old@m.example' })))).toBe(known);
    expect(contactAfter(known, contactOfProfile(profile('m-1', '2026-11-02T09:00:00+08:00', { email: 'same@m.example' }))).email).toBe('same@m.example');
    expect(contactAfter(undefined, known)).toBe(known);
  });

  it('answers the latest contact per merchant of a batch', () => {
    const latest = latestContacts([
      contactOfProfile(profile('m-1', '2026-11-02T09:00:00+08:00', { email: 'second@m.example' })),
      contactOfProfile(profile('m-2', '2026-11-01T09:00:00+08:00', { phone: '+8613800000000' })),
      contactOfProfile(profile('m-1', '2026-11-01T09:00:00+08:00', { email: 'late-redelivery@m.example' })),
      contactOfProfile(profile('m-2', '2026-11-01T09:00:00+08:00', { phone: '+8613900000000' })),
    ]);
    expect(latest.map((c) => [c.merchantId, c.email ?? c.phone])).toEqual([['m-1', 'second@m.example'], ['m-2', '+8613900000000']]);
  });
});
