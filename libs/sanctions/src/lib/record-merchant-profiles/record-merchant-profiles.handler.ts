import { Inject, Injectable } from '@nestjs/common';
import type { MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { depositRequirementFen, type Clock } from '@penalty/domain';
import { rejectionOf, type InboxBatch } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { SanctionBooks } from '../sanction-book';

/**
 * merchants.profiles.v1 over a whole batch: keeps each merchant's profile and the deposit it must hold
 * (rulebook section 7), in order: the first requirement known counts as the deposit paid on entry, a
 * later one may open or close a top-up window. Accounts locked (and created) in one statement, written
 * in one.
 */
@Injectable()
export class RecordMerchantProfilesHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly books: SanctionBooks,
  ) {}

  async handle({ tx, events }: InboxBatch): Promise<void> {
    const book = this.books.open(tx, this.clock.now());
    await book.load({ merchants: events.map((e) => (e.event.data as MerchantProfileUpdatedV1).merchantId) });
    for (const inbound of events) {
      const p = inbound.event.data as MerchantProfileUpdatedV1;
      try {
        book.recordProfile(p.merchantId, { storeType: p.storeType, trademarkStatus: p.trademarkStatus, categories: p.categories, examEligible: p.examEligible, marketplace: p.marketplace ?? null });
        book.post(p.merchantId, { kind: 'REQUIREMENT', requiredFen: BigInt(depositRequirementFen(p)) });
      } catch (error) {
        throw rejectionOf(inbound, error);
      }
    }
    await book.flush();
  }
}
