import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '@penalty/messaging';
import type { KnownContact } from './record-contact/merchant-contact';

interface ContactRow {
  merchant_id: string;
  email: string | null;
  phone: string | null;
  webhook_url: string | null;
  locale: string;
  updated_at: Date;
}

const toContact = (row: ContactRow): KnownContact => ({
  merchantId: row.merchant_id,
  email: row.email,
  phone: row.phone,
  webhookUrl: row.webhook_url,
  locale: row.locale,
  updatedAt: new Date(row.updated_at),
});

const SELECT = 'SELECT merchant_id, email, phone, webhook_url, locale, updated_at FROM merchant_contact WHERE merchant_id = ANY($1::text[])';

/** The only SQL of merchant_contact: the contact details merchant profiles state, one row per merchant. */
@Injectable()
export class MerchantContactRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The known contacts of these merchants, in one statement, inside a transaction. */
  async findMany(tx: Tx, merchantIds: Iterable<string>): Promise<Map<string, KnownContact>> {
    const ids = [...new Set(merchantIds)];
    if (ids.length === 0) return new Map();
    return byMerchant(await tx.query<ContactRow>(SELECT, [ids]));
  }

  /** The same, outside any transaction (the delivery worker reads the address at delivery time). */
  async findManyNow(merchantIds: Iterable<string>): Promise<Map<string, KnownContact>> {
    const ids = [...new Set(merchantIds)];
    if (ids.length === 0) return new Map();
    return byMerchant(await this.dataSource.query(SELECT, [ids]));
  }

  /**
   * Writes each merchant's contact in one statement (one contact per merchant), unless a newer one is
   * already stored: a profile older than the stored one changes nothing, also against a concurrent writer.
   */
  async saveMany(tx: Tx, contacts: readonly KnownContact[]): Promise<void> {
    if (contacts.length === 0) return;
    if (new Set(contacts.map((c) => c.merchantId)).size !== contacts.length) throw new Error('saveMany takes one contact per merchant');
    await tx.query(
      `INSERT INTO merchant_contact (merchant_id, email, phone, webhook_url, locale, updated_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT (merchant_id) DO UPDATE
         SET email = EXCLUDED.email, phone = EXCLUDED.phone, webhook_url = EXCLUDED.webhook_url, locale = EXCLUDED.locale,
             updated_at = EXCLUDED.updated_at
       WHERE merchant_contact.updated_at <= EXCLUDED.updated_at`,
      [
        contacts.map((c) => c.merchantId),
        contacts.map((c) => c.email),
        contacts.map((c) => c.phone),
        contacts.map((c) => c.webhookUrl),
        contacts.map((c) => c.locale),
        contacts.map((c) => c.updatedAt),
      ],
    );
  }
}

function byMerchant(rows: ContactRow[]): Map<string, KnownContact> {
  return new Map(rows.map((row) => [row.merchant_id, toContact(row)]));
}
