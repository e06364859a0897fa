import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { DEFAULT_LOCALE, type ContactDetails } from '../notify-merchant/decision-notification';

/** A merchant's contact as this service knows it, and the time of the profile it came from. */
export interface KnownContact extends ContactDetails {
  merchantId: string;
  email: string | null;
  phone: string | null;
  webhookUrl: string | null;
  locale: string;
  updatedAt: Date;
}

/** The contact a profile states. The event carries the whole profile: a missing contact (or field) clears what was known. */
export function contactOfProfile(event: CloudEvent<MerchantProfileUpdatedV1>): KnownContact {
  const { merchantId, contact } = event.data;
  return {
    merchantId,
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
    webhookUrl: contact?.webhookUrl ?? null,
    locale: contact?.locale ?? DEFAULT_LOCALE,
    updatedAt: new Date(event.time),
  };
}

/** The contact after a profile: the profile's, unless it is older than the one known (a late redelivery under a new id changes nothing). */
export function contactAfter(known: KnownContact | undefined, profile: KnownContact): KnownContact {
  return known && known.updatedAt.getTime() > profile.updatedAt.getTime() ? known : profile;
}

/** The latest contact per merchant of profiles in offset order (a later profile of the same time wins). */
export function latestContacts(profiles: readonly KnownContact[]): KnownContact[] {
  const latest = new Map<string, KnownContact>();
  for (const profile of profiles) latest.set(profile.merchantId, contactAfter(latest.get(profile.merchantId), profile));
  return [...latest.values()];
}
