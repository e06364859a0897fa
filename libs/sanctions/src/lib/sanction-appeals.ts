import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppealableDecision, AppealSubjects } from '@penalty/appeals';
import { RuleBook, type AppealSubjectKind } from '@penalty/domain';
import { ForgeryCases } from './forgery-cases';
import { SanctionBook } from './sanction-book';
import { SANCTION_SOURCE } from './sanction-source';

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
    private readonly sanctions: SanctionBook,
    private readonly forgeryCases: ForgeryCases,
  ) {}

  async find(manager: EntityManager, kind: AppealSubjectKind, id: string): Promise<AppealableDecision | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const [row]: { merchant_id: string; decided_at: Date; rule_version: string }[] =
      kind === 'SANCTION'
        ? await manager.query('SELECT merchant_id, decided_at, rule_version FROM sanction WHERE sanction_id = $1 FOR UPDATE', [id])
        : await manager.query('SELECT merchant_id, opened_at AS decided_at, rule_version FROM forgery_case WHERE case_id = $1 FOR UPDATE', [id]);
    if (!row) return null;
    const decidedAt = new Date(row.decided_at);
    return { merchantId: row.merchant_id, decidedAt, ruleSet: this.rules.ofVersion(row.rule_version, decidedAt) };
  }

  async revoke(manager: EntityManager, kind: AppealSubjectKind, id: string, context: { now: Date }): Promise<void> {
    if (kind === 'SANCTION') await this.sanctions.revoke(manager, id, 'APPEAL_ACCEPTED', context.now);
    else await this.forgeryCases.revoke(manager, id, context.now);
  }
}
