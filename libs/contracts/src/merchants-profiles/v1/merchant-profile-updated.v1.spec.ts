import 'reflect-metadata';
import { goldenFixture } from '../../golden-fixtures';
import { parseCloudEvent } from '../../parse-cloud-event';
import { EventTypes } from '../../topics';

describe('merchant.profile.updated.v1 contact.locale (optional project addition)', () => {
  const withContact = (contact: Record<string, unknown>) => {
    const event = goldenFixture(EventTypes.MerchantProfileUpdatedV1) as { data: Record<string, unknown> };
    event.data.contact = contact;
    return event;
  };

  it.each(['zh-CN', 'en'])('accepts %s', (locale) => {
    const parsed = parseCloudEvent(withContact({ email: 'owner@merchant.example', locale }));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect((parsed.event.data as { contact: { locale: string } }).contact.locale).toBe(locale);
  });

  it('is optional: a contact without it stays valid', () => {
    expect(parseCloudEvent(withContact({ email: 'owner@merchant.example' })).ok).toBe(true);
  });

  it('refuses another language, naming the field', () => {
    const parsed = parseCloudEvent(withContact({ locale: 'fr' }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toBe('DATA_INVALID');
      expect(parsed.violations.map((v) => v.field)).toEqual(['data.contact.locale']);
    }
  });
});
