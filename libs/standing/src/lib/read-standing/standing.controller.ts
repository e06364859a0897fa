import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { examChanceStatusAt, formatShanghai, naturalYearOf, type Clock, type MeasureType } from '@penalty/domain';
import { ApiKeyScope } from '@penalty/auth';
import { ActingFor, CLOCK, MarketplaceConfig, ProblemException, type MarketplaceScope } from '@penalty/runtime';
import { assertMerchantInScope } from '../merchant-scope';
import { MerchantCasesDto } from './cases.dto';
import { openDeadlines } from './open-deadlines';
import { StandingDto } from './standing.dto';
import { casesDeposit, standingDeposit, standingExamChance, type DepositLedger } from './standing-view';

const MERCHANT_ID = /^.{1,64}$/su;
/** A row of the read model's own tables, mapped field by field below. */
type Row = Record<string, any>;

/** A merchant is known once any decision, profile or remedy about it was projected. */
const MERCHANT_KNOWN = `SELECT ${['standing_points', 'standing_profile', 'standing_sanction', 'standing_deposit', 'standing_forgery_case', 'standing_appeal', 'standing_exam_chance']
  .map((table) => `EXISTS (SELECT 1 FROM ${table} WHERE merchant_id = $1)`)
  .join(' OR ')} AS known`;
const MERCHANT_NOT_KNOWN = (merchantId: string) => ProblemException.notFound('MERCHANT.NOT_FOUND', `No violation, profile, sanction or remedy is known for merchant ${merchantId}.`);

const ledgerOf = (row: Row | undefined): DepositLedger | null =>
  row
    ? {
        requiredFen: row.required_fen === null ? null : Number(row.required_fen),
        balanceFen: Number(row.balance_fen),
        shortfallFen: Number(row.shortfall_fen),
        topUpDueAt: row.top_up_due_at ? new Date(row.top_up_due_at) : null,
      }
    : null;

@ApiTags('merchants')
@Controller('v1/merchants')
// Downstream systems may read standing with an API key; operators need the viewer role.
@ApiKeyScope('standing:read')
export class StandingController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MarketplaceConfig) private readonly marketplaces: MarketplaceConfig,
  ) {}

  @Get(':merchantId/standing')
  @ApiOperation({ summary: "A merchant's current standing: points this natural year, active measures, deposit, exam chance" })
  @ApiOkResponse({ type: StandingDto })
  @ApiNotFoundResponse({ description: 'MERCHANT.NOT_FOUND: nothing is known about the merchant' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the merchant is of a marketplace the operator's roles are not for" })
  async standing(@Param('merchantId') merchantId: string, @ActingFor() scope?: MarketplaceScope): Promise<StandingDto> {
    if (!MERCHANT_ID.test(merchantId)) throw ProblemException.validation([{ field: 'merchantId', message: 'must be 1 to 64 characters' }]);
    await assertMerchantInScope(this.dataSource, merchantId, scope, this.marketplaces.DEFAULT_MARKETPLACE);
    const now = this.clock.now();
    const naturalYear = naturalYearOf(now);
    const q = (sql: string, params: unknown[]) => this.dataSource.query(sql, params);
    const [[points], measures, [profile], [fines], [known], [deposit], [chance]] = await Promise.all([
      q('SELECT general, serious FROM standing_points WHERE merchant_id = $1 AND natural_year = $2', [merchantId, naturalYear]),
      q(`SELECT type, sanction_id, ends_at FROM standing_measure
         WHERE merchant_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) ORDER BY ends_at NULLS LAST, type`, [merchantId, now]),
      q('SELECT required_fen, exam_eligible FROM standing_profile WHERE merchant_id = $1', [merchantId]),
      q('SELECT coalesce(sum(fine_fen), 0)::bigint AS total FROM standing_sanction WHERE merchant_id = $1', [merchantId]),
      q(MERCHANT_KNOWN, [merchantId]),
      q('SELECT required_fen, balance_fen, shortfall_fen, top_up_due_at FROM standing_deposit WHERE merchant_id = $1', [merchantId]),
      q('SELECT status, expires_at FROM standing_exam_chance WHERE merchant_id = $1 AND natural_year = $2 ORDER BY updated_at DESC LIMIT 1', [merchantId, naturalYear]),
    ]);
    if (!known.known) throw MERCHANT_NOT_KNOWN(merchantId);
    return {
      merchantId,
      naturalYear,
      points: { general: points?.general ?? 0, serious: points?.serious ?? 0 },
      activeMeasures: measures.map((m: { type: MeasureType; sanction_id: string; ends_at: Date | null }) => ({
        type: m.type,
        sanctionId: m.sanction_id,
        endsAt: m.ends_at ? formatShanghai(new Date(m.ends_at)) : null,
      })),
      deposit: standingDeposit(ledgerOf(deposit), profile ? Number(profile.required_fen) : null, Number(fines.total)),
      examChance: standingExamChance(chance ? { status: chance.status, expiresAt: new Date(chance.expires_at) } : null, profile ? profile.exam_eligible : null, now),
    };
  }

  @Get(':merchantId/cases')
  @ApiOperation({ summary: "A merchant's forgery cases, appeals, exam chances, deposit and the deadlines still open, soonest first" })
  @ApiOkResponse({ type: MerchantCasesDto })
  @ApiNotFoundResponse({ description: 'MERCHANT.NOT_FOUND: nothing is known about the merchant' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the merchant is of a marketplace the operator's roles are not for" })
  async cases(@Param('merchantId') merchantId: string, @ActingFor() scope?: MarketplaceScope): Promise<MerchantCasesDto> {
    if (!MERCHANT_ID.test(merchantId)) throw ProblemException.validation([{ field: 'merchantId', message: 'must be 1 to 64 characters' }]);
    await assertMerchantInScope(this.dataSource, merchantId, scope, this.marketplaces.DEFAULT_MARKETPLACE);
    const now = this.clock.now();
    const q = (sql: string) => this.dataSource.query(sql, [merchantId]);
    const [sanctions, forgery, appeals, chances, offers, [deposit], [known]] = await Promise.all([
      q('SELECT sanction_id, appeal_deadline FROM standing_sanction WHERE merchant_id = $1'),
      q('SELECT * FROM standing_forgery_case WHERE merchant_id = $1 ORDER BY opened_at DESC, case_id'),
      q('SELECT * FROM standing_appeal WHERE merchant_id = $1 ORDER BY filed_at DESC, appeal_id'),
      q('SELECT * FROM standing_exam_chance WHERE merchant_id = $1 ORDER BY natural_year DESC, updated_at DESC, chance_id'),
      q('SELECT chance_id, violation_id, choice_closes_at FROM standing_exam_offer WHERE merchant_id = $1 ORDER BY choice_closes_at, violation_id'),
      q('SELECT * FROM standing_deposit WHERE merchant_id = $1'),
      q(MERCHANT_KNOWN),
    ]);
    if (!known.known) throw MERCHANT_NOT_KNOWN(merchantId);
    const at = (v: Date | string | null) => (v ? formatShanghai(new Date(v)) : null);
    const date = (v: Date | string | null) => (v ? new Date(v) : null);
    const offersOf = (chanceId: string): { violationId: string; choiceClosesAt: Date }[] =>
      offers.filter((o: Row) => o.chance_id === chanceId).map((o: Row) => ({ violationId: o.violation_id, choiceClosesAt: new Date(o.choice_closes_at) }));
    const deadlines = openDeadlines(
      {
        sanctions: sanctions.map((s: Row) => ({ sanctionId: s.sanction_id, appealDeadline: date(s.appeal_deadline) })),
        forgeryCases: forgery.map((c: Row) => ({ caseId: c.case_id, status: c.status, remediationClosesAt: date(c.remediation_closes_at) })),
        examChances: chances.map((c: Row) => ({ chanceId: c.chance_id, status: c.status, expiresAt: new Date(c.expires_at), offers: offersOf(c.chance_id) })),
        appeals: appeals.map((a: Row) => ({ subjectId: a.subject_id, subjectKind: a.subject_kind, status: a.status, round: a.round, secondAppealClosesAt: date(a.second_appeal_closes_at) })),
        deposit: deposit ? { merchantId, topUpDueAt: date(deposit.top_up_due_at) } : null,
      },
      now,
    );
    return {
      merchantId,
      forgeryCases: forgery.map((c: Row) => ({
        caseId: c.case_id, violationId: c.violation_id, caseNumber: c.case_number, severity: c.severity, ruleVersion: c.rule_version, status: c.status,
        openedAt: at(c.opened_at)!, remediationClosesAt: at(c.remediation_closes_at), sanctionIds: c.sanction_ids,
      })),
      appeals: appeals.map((a: Row) => ({
        appealId: a.appeal_id, subjectKind: a.subject_kind, subjectId: a.subject_id, round: a.round, status: a.status, rejectionReason: a.rejection_reason,
        filedAt: at(a.filed_at)!, decidedAt: at(a.decided_at), secondAppealClosesAt: at(a.second_appeal_closes_at), evidence: a.evidence,
      })),
      examChances: chances.map((c: Row) => ({
        chanceId: c.chance_id, naturalYear: c.natural_year, status: examChanceStatusAt({ status: c.status, expiresAt: new Date(c.expires_at) }, now),
        expiresAt: at(c.expires_at)!, violationId: c.violation_id, reason: c.reason,
        offers: offersOf(c.chance_id).map((o) => ({ violationId: o.violationId, choiceClosesAt: formatShanghai(o.choiceClosesAt) })),
      })),
      deposit: casesDeposit(ledgerOf(deposit)),
      deadlines: deadlines.map((d) => ({ ...d, closesAt: formatShanghai(d.closesAt) })),
    };
  }
}
