import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { explainForgerySanction, explainLadderSanction, formatShanghai, RuleBook, type MeasureType, type SanctionExplanation, type SanctionOutcome, type Track } from '@penalty/domain';
import { RulebookFeed, type RulebookAwareness } from '@penalty/messaging';
import { ProblemException } from '@penalty/runtime';
import type { SanctionExplanationDto, SanctionOutcomeDto } from './sanction-explanation.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SanctionRow {
  sanction_id: string;
  merchant_id: string;
  cause: { kind: 'LADDER_NODE' | 'FORGERY' | 'DEPOSIT_SHORTFALL'; track?: Track; node?: number; naturalYear?: number; violationIds: string[]; skippedNodes?: number[]; caseId?: string };
  fine_fen: string | null;
  rule_version: string;
  decided_at: Date;
  appeal_deadline: Date | null;
  marketplace: string | null;
  rule_content_hash: string | null;
  revoked_at: Date | null;
}

const iso = (d: Date | null) => (d ? formatShanghai(new Date(d)) : null);
const dto = (o: SanctionOutcome): SanctionOutcomeDto => ({
  measures: [...o.measures].sort((a, b) => a.type.localeCompare(b.type)).map((m) => ({ type: m.type, endsAt: iso(m.endsAt) })),
  fineFen: o.fineFen,
  forfeitsDeposit: o.forfeitsDeposit,
  appealDeadline: iso(o.appealDeadline),
});

/**
 * Explains a sanction (rulebook section 9): the cause and what it counted, the rule cells of the
 * version it names (ladder step, skipped nodes, appeal window; forgery rule; deposit top-up), and the
 * sanction recomputed from them compared with the sanction as imposed.
 */
@Injectable()
export class ExplainSanctionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rules: RuleBook,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness,
  ) {}

  async explain(sanctionId: string): Promise<SanctionExplanationDto> {
    const [row]: SanctionRow[] = UUID.test(sanctionId) ? await this.dataSource.query('SELECT * FROM sanction WHERE sanction_id = $1', [sanctionId]) : [];
    if (!row) throw ProblemException.notFound('DECISION.NOT_FOUND', `No decision ${sanctionId} of this service.`);
    const marketplace = row.marketplace ?? this.rules.defaultMarketplace;
    await this.rulebooks.awaitKnown([{ version: row.rule_version, marketplace }]);
    const ruleSet = this.rules.ofVersion(row.rule_version, marketplace);
    const measures: { type: MeasureType; ends_at: Date | null }[] = await this.dataSource.query('SELECT type, ends_at FROM measure WHERE sanction_id = $1', [sanctionId]);
    const decidedAt = new Date(row.decided_at);
    const cause = row.cause;
    let explained: SanctionExplanation;
    let counted: { violationId: string; points: number }[] = [];
    let forgeryCase: { case_id: string; case_number: number } | undefined;
    if (cause.kind === 'LADDER_NODE') {
      explained = explainLadderSanction({ track: cause.track ?? 'SERIOUS', node: cause.node!, skippedNodes: cause.skippedNodes ?? [], decidedAt, ruleSet });
      const rows: { violation_id: string; points: number }[] = await this.dataSource.query('SELECT violation_id, points FROM assessment WHERE violation_id = ANY($1::text[])', [cause.violationIds]);
      const points = new Map(rows.map((r) => [r.violation_id, r.points]));
      counted = cause.violationIds.map((violationId) => ({ violationId, points: points.get(violationId) ?? 0 }));
    } else if (cause.kind === 'FORGERY') {
      [forgeryCase] = await this.dataSource.query('SELECT case_id, case_number FROM forgery_case WHERE case_id = $1', [cause.caseId]);
      // Which outcome it imposed shows in what it imposed: termination (clear-out), other acts (not remedied), a fine alone (remedied).
      const types = measures.map((m) => m.type);
      const outcome = types.includes('TERMINATION') ? 'CLEARED_OUT' : types.length > 0 ? 'UNREMEDIED' : 'REMEDIED';
      explained = explainForgerySanction({ outcome, caseNumber: forgeryCase?.case_number ?? 1, ruleSet });
    } else {
      explained = {
        outcome: { measures: [{ type: 'STORE_SUPERVISION', endsAt: null }], fineFen: null, forfeitsDeposit: false, appealDeadline: null },
        rules: [{
          rule: 'DEPOSIT_TOP_UP', section: '7', values: { depositTopUpDays: ruleSet.depositTopUpDays },
          text: { zh: `保证金不足且 ${ruleSet.depositTopUpDays} 天内未补足：店铺进入监管。`, en: `The deposit was short and not topped up within ${ruleSet.depositTopUpDays} days: the store is supervised.` },
        }],
      };
    }
    const outcome = dto(explained.outcome);
    const forfeited = explained.outcome.forfeitsDeposit;
    const asMade: SanctionOutcomeDto = {
      measures: [...measures].sort((a, b) => a.type.localeCompare(b.type)).map((m) => ({ type: m.type, endsAt: iso(m.ends_at) })),
      fineFen: row.fine_fen === null ? null : Number(row.fine_fen),
      forfeitsDeposit: forfeited,
      appealDeadline: cause.kind === 'LADDER_NODE' ? iso(row.appeal_deadline) : null,
    };
    const sameFine = forfeited || asMade.fineFen === outcome.fineFen;
    const reproduced =
      JSON.stringify(asMade.measures) === JSON.stringify(outcome.measures) && sameFine && asMade.appealDeadline === outcome.appealDeadline && (row.rule_content_hash === null || row.rule_content_hash === ruleSet.contentHash);
    return {
      decisionId: sanctionId,
      kind: 'SANCTION',
      merchantId: row.merchant_id,
      marketplace,
      ruleVersion: row.rule_version,
      ruleContentHash: ruleSet.contentHash,
      inputs: {
        cause: cause.kind,
        track: cause.track ?? null,
        node: cause.node ?? null,
        naturalYear: cause.naturalYear ?? null,
        skippedNodes: cause.skippedNodes ?? [],
        counted,
        caseId: forgeryCase?.case_id ?? cause.caseId ?? null,
        caseNumber: forgeryCase?.case_number ?? null,
        decidedAt: formatShanghai(decidedAt),
      },
      rules: explained.rules,
      outcome,
      asMade,
      reproduced,
      revokedAt: iso(row.revoked_at),
    };
  }
}
