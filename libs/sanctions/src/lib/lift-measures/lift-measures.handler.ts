import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatShanghai, RuleBook, type Clock } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { assertActsFor, CLOCK, type MarketplaceScope } from '@penalty/runtime';
import { SanctionBooks } from '../sanction-book';
import { SanctionRepository } from '../sanction.repository';
import { SanctionError } from '../sanctions.errors';
import type { LiftedDto, LiftMeasuresRequest } from './lift-measures.request';

/**
 * An operator lifts active measures of a sanction before their end (reason OPERATOR). The lift, its
 * sanction.lifted.v1 event and the audit entry commit together.
 */
@Injectable()
export class LiftMeasuresHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly sanctions: SanctionRepository,
    private readonly books: SanctionBooks,
    private readonly rules: RuleBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `scope`: the marketplaces the operator's roles are for (undefined: every one); a sanction of another is refused. */
  async lift(sanctionId: string, request: LiftMeasuresRequest, actor: string, scope?: MarketplaceScope): Promise<LiftedDto> {
    const now = this.clock.now();
    const sanction = await this.sanctions.ownerOf(this.dataSource, sanctionId);
    if (!sanction) throw new SanctionError('SANCTION.NOT_FOUND', `No sanction ${sanctionId}.`);
    assertActsFor(scope, sanction.marketplace ?? this.rules.defaultMarketplace, `Sanction ${sanctionId}`);
    const owner = sanction.merchantId;
    return this.runner.run(async (tx) => {
      const book = this.books.open(tx, now);
      await book.load({ sanctions: [sanctionId] });
      const active = book.runningMeasures(sanctionId);
      const wanted = request.measureTypes ?? active;
      const notActive = wanted.filter((type) => !active.includes(type));
      if (notActive.length > 0 || wanted.length === 0) {
        throw new SanctionError('SANCTION.NOTHING_TO_LIFT', `Not active on sanction ${sanctionId}: ${notActive.join(', ') || 'any measure'}.`);
      }
      const measureTypes = book.lift(sanctionId, 'OPERATOR', wanted);
      await book.flush();
      await recordAudit(tx.manager, {
        actor,
        action: 'SANCTION.LIFT',
        merchantId: owner,
        subjectType: 'SANCTION',
        subjectId: sanctionId,
        reason: request.reason,
        details: { measureTypes },
        occurredAt: now,
      });
      return { sanctionId, measureTypes, liftedAt: formatShanghai(now) };
    });
  }
}
