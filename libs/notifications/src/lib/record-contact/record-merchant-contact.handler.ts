import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { DEFAULT_LOCALE } from '../notify-merchant/decision-notification';

/**
 * Keeps the merchant's contact details from merchant.profile.updated.v1. The event carries the whole
 * profile, so a missing contact (or field) clears what was known. An event older than the stored one
 * (a late redelivery under a new id) changes nothing.
 */
@Injectable()
export class RecordMerchantContactHandler {
  async handle(manager: EntityManager, event: CloudEvent<MerchantProfileUpdatedV1>): Promise<void> {
    const { merchantId, contact } = event.data;
    await manager.query(
      `INSERT INTO merchant_contact (merchant_id, email, phone, webhook_url, locale, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (merchant_id) DO UPDATE
         SET email = EXCLUDED.email, phone = EXCLUDED.phone, webhook_url = EXCLUDED.webhook_url, locale = EXCLUDED.locale,
             updated_at = EXCLUDED.updated_at
       WHERE merchant_contact.updated_at <= EXCLUDED.updated_at`,
      [merchantId, contact?.email ?? null, contact?.phone ?? null, contact?.webhookUrl ?? null, contact?.locale ?? DEFAULT_LOCALE, new Date(event.time)],
    );
  }
}
