import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppealableDecision, AppealSubjects } from '@penalty/appeals';
import { RuleBook, type AppealSubjectKind } from '@penalty/domain';
import { txOf } from '@penalty/messaging';
import { ForgeryCaseRepository } from '../forgery-case.repository';
import { RemediateForgeryCaseHandler } from '../remediate-forgery-cases/remediate-forgery-case.handler';
import { SanctionBooks } from '../sanction-book';
import { SanctionRepository } from '../sanction.repository';
import { SANCTION_SOURCE } from '../sanction-source';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sanctions and forgery cases can be appealed. Accepting an appeal on a sanction lifts its running
 * measures (APPEAL_ACCEPTED) and refunds its fine; on a forgery case it also revokes every sanction
 * the case led to. The points behind a ladder node stay: they are appealed as penalties.
 */
@Injectable()
export class SanctionAppealSubjects implements AppealSubjects {
  readonly kinds: readonly AppealSubjectKind[] = ['SANCTION', 'FORGERY_CASE'];
  readonly source = SANCTION_SOURCE;

  constructor(
    private readonly rules: RuleBook,
    private readonly sanctions: SanctionRepository,
    private readonly cases: ForgeryCaseRepository,
    private readonly books: SanctionBooks,
    private readonly forgeryCases: RemediateForgeryCaseHandler,
  ) {}

  async find(manager: EntityManager, kind: AppealSubjectKind, id: string): Promise<AppealableDecision | null> {
    if (!UUID.test(id)) return null;
    const decision = kind === 'SANCTION' ? await this.sanctions.findDecision(manager, id) : await this.cases.findDecision(manager, id);
    if (!decision) return null;
    const ruleSet = this.rules.ofVersion(decision.ruleVersion, decision.marketplace);
    return { merchantId: decision.merchantId, marketplace: ruleSet.marketplace, decidedAt: decision.decidedAt, ruleSet };
  }

  async revoke(manager: EntityManager, kind: AppealSubjectKind, id: string, context: { now: Date }): Promise<void> {
    if (kind === 'FORGERY_CASE') return this.forgeryCases.revoke(manager, id, context.now);
    const book = this.books.open(txOf(manager), context.now);
    await book.load({ sanctions: [id] });
    const merchantId = book.merchantOf(id);
    if (!merchantId) return;
    await book.load({ merchants: [merchantId] });
    book.revoke(id, 'APPEAL_ACCEPTED');
    await book.flush();
  }
}
