import { Injectable } from '@nestjs/common';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import type { InboxBatch } from '@penalty/messaging';
import { MerchantContactRepository } from '../merchant-contact.repository';
import { contactOfProfile, latestContacts } from './merchant-contact';

/**
 * Keeps the merchants' contact details from a batch of merchant.profile.updated.v1: the latest profile
 * of each merchant in one statement. The event carries the whole profile, so a missing contact (or
 * field) clears what was known; a profile older than the stored one (a late redelivery under a new
 * id) changes nothing.
 */
@Injectable()
export class RecordMerchantContactHandler {
  constructor(private readonly contacts: MerchantContactRepository) {}

  async handle({ tx, events }: InboxBatch): Promise<void> {
    await this.contacts.saveMany(tx, latestContacts(events.map((inbound) => contactOfProfile(inbound.event as CloudEvent<MerchantProfileUpdatedV1>))));
  }
}
