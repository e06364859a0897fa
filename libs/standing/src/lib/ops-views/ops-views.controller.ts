import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Requires } from '@penalty/auth';
import { CATALOGUE, DEPOSIT_TABLE_FEN, formatShanghai, naturalYearOf, RuleBook, SCENARIOS, startOfNaturalYear, type Clock } from '@penalty/domain';
import { ActingFor, CLOCK, ProblemException, scopeText, totalOfPage, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { assertMerchantInScope } from '../merchant-scope';
import { DECISION_RANGES } from '../ops-decisions/decision-ranges';
import { readDecisionSanctions, readDecisions, type DecisionsReader } from '../ops-decisions/decisions.read';
import { DecisionSanctionsPageDto, DecisionSanctionsQuery, DecisionsDto, DecisionsQuery, MAX_SANCTIONS_OFFSET, MAX_SANCTIONS_PAGE } from '../ops-decisions/decisions.query';
import { ReviewQueuePageDto, ReviewQueueQuery, type ReviewItemDto } from '../review-queue/review-queue.query';
import { reviewQueueSql } from '../review-queue/review-queue.sql';

/**
 * Views for the ops dashboard over the api's read model: a merchant's timeline, the review queue across
 * merchants, the decisions over a time range (and the sanctions behind each bar of their charts), and the rule data the services run with.
 */
/** A merchant's points in one natural year. */
export class YearPointsDto {
  @ApiProperty({ type: 'integer' }) naturalYear: number;
  @ApiProperty({ type: 'integer' }) general: number;
  @ApiProperty({ type: 'integer' }) serious: number;
}

/** One decision in a merchant's timeline; which fields are set depends on `kind`. */
export class TimelineEventDto {
  @ApiProperty({ description: 'When it was decided (RFC 3339, +08:00)' }) at: string;
  @ApiProperty({ enum: ['POINTS_ASSESSED', 'POINTS_ADJUSTED', 'SANCTION_IMPOSED', 'MEASURES_LIFTED'] }) kind: string;
  @ApiProperty({ required: false, description: 'POINTS_*' }) violationId?: string;
  @ApiProperty({ required: false, enum: ['GENERAL', 'SERIOUS'], description: 'POINTS_*' }) track?: string;
  @ApiProperty({ required: false, type: 'integer', description: 'POINTS_*' }) points?: number;
  @ApiProperty({ required: false, nullable: true, type: 'string', description: 'POINTS_*: the waiver that applied, if any' }) waiver?: string | null;
  @ApiProperty({ required: false, type: 'integer', description: 'POINTS_*' }) naturalYear?: number;
  @ApiProperty({ required: false, description: 'SANCTION_IMPOSED, MEASURES_LIFTED' }) sanctionId?: string;
  @ApiProperty({ required: false, nullable: true, type: 'string', description: 'SANCTION_IMPOSED: the kind of sanction' }) cause?: string | null;
  @ApiProperty({ required: false, nullable: true, type: 'integer', description: 'SANCTION_IMPOSED: the ladder node' }) node?: number | null;
  @ApiProperty({ required: false, nullable: true, type: 'integer', description: 'SANCTION_IMPOSED: the fine in fen' }) fineFen?: number | null;
  @ApiProperty({ required: false, type: [String], description: 'MEASURES_LIFTED' }) measureTypes?: string[];
}

export class TimelineDto {
  @ApiProperty() merchantId: string;
  @ApiProperty({ type: [YearPointsDto], description: 'Newest year first' }) years: YearPointsDto[];
  @ApiProperty({ type: [TimelineEventDto], description: 'Newest first' }) events: TimelineEventDto[];
}

/** The rule data the services run with. */
export class RulesDataDto {
  @ApiProperty({ description: 'Every rule version, oldest first, with its effective date (RFC 3339, +08:00)', type: 'array', items: { type: 'object' } }) versions: object[];
  @ApiProperty({ description: 'The violation catalogue, by code', type: 'object', additionalProperties: true }) catalogue: object;
  @ApiProperty({ description: 'Exam scenarios and their points', type: 'object', additionalProperties: true }) scenarios: object;
  @ApiProperty({ description: 'The deposit requirement table (fen)', type: 'object', additionalProperties: true }) depositTableFen: object;
  @ApiProperty({ description: 'Start of the current natural year (RFC 3339, +08:00)' }) currentNaturalYearStarts: string;
}

@ApiTags('operations')
@Controller('v1/ops')
export class OpsViewsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rules: RuleBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('merchants/:merchantId/timeline')
  @ApiOperation({ summary: "A merchant's decisions in order (points assessed and adjusted with waivers, sanctions, lifts), and its points for every natural year" })
  @ApiOkResponse({ type: TimelineDto })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the merchant is of a marketplace the operator's roles are not for" })
  async timeline(@Param('merchantId') merchantId: string, @ActingFor() scope?: MarketplaceScope): Promise<TimelineDto> {
    if (merchantId.length > 64) throw ProblemException.validation([{ field: 'merchantId', message: 'must be 1 to 64 characters' }]);
    await assertMerchantInScope(this.dataSource, merchantId, scope, this.rules.defaultMarketplace);
    const [years, penalties, sanctions, lifts] = await Promise.all([
      this.dataSource.query('SELECT natural_year AS "naturalYear", general, serious FROM standing_points WHERE merchant_id = $1 ORDER BY natural_year DESC', [merchantId]),
      this.dataSource.query('SELECT * FROM standing_penalty_event WHERE merchant_id = $1', [merchantId]),
      this.dataSource.query('SELECT * FROM standing_sanction WHERE merchant_id = $1 AND decided_at IS NOT NULL', [merchantId]),
      this.dataSource.query(
        `SELECT sanction_id, lifted_at, array_agg(type ORDER BY type) AS types FROM standing_measure WHERE merchant_id = $1 AND lifted_at IS NOT NULL GROUP BY sanction_id, lifted_at`,
        [merchantId],
      ),
    ]);
    const at = (v: Date | string) => formatShanghai(new Date(v));
    const events = [
      ...penalties.map((p: Record<string, any>) => ({
        at: at(p.at), kind: p.type === 'penalty.adjusted.v1' ? 'POINTS_ADJUSTED' : 'POINTS_ASSESSED', violationId: p.violation_id, track: p.track, points: p.points, waiver: p.waiver, naturalYear: p.natural_year,
      })),
      ...sanctions.map((s: Record<string, any>) => ({ at: at(s.decided_at), kind: 'SANCTION_IMPOSED', sanctionId: s.sanction_id, cause: s.kind, node: s.node, fineFen: s.fine_fen === null ? null : Number(s.fine_fen) })),
      ...lifts.map((l: Record<string, any>) => ({ at: at(l.lifted_at), kind: 'MEASURES_LIFTED', sanctionId: l.sanction_id, measureTypes: l.types })),
    ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return { merchantId, years, events };
  }

  @Get('review-queue')
  @Requires('reviewer')
  @ApiOperation({ summary: "Open appeals and submitted forgery remediations across merchants, soonest deadline first unless sorted; filtered and paged; an operator whose roles are for some marketplaces sees those marketplaces' items only" })
  @ApiOkResponse({ type: ReviewQueuePageDto })
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID: a filter, sort key, order, limit or offset out of bounds, each field named' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: `marketplace` names one the operator's roles are not for" })
  async reviewQueue(@Query() raw: Record<string, unknown>, @ActingFor() scope?: MarketplaceScope): Promise<ReviewQueuePageDto> {
    const query = validRequest(ReviewQueueQuery, raw);
    if (query.marketplace && scope && !scope.includes(query.marketplace)) {
      throw new ProblemException(403, 'AUTH.MARKETPLACE_FORBIDDEN', 'Forbidden', `Your roles are for ${scopeText(scope)}, not for ${query.marketplace}.`);
    }
    const offset = query.offset ?? 0;
    const params = { defaultMarketplace: this.rules.defaultMarketplace, scope, limit: query.limit ?? null, offset };
    const { text, values } = reviewQueueSql(query, params);
    const rows: Record<string, any>[] = await this.dataSource.query(text, values);
    const total = await totalOfPage(rows as { total: number }[], offset, async () => {
      const count = reviewQueueSql(query, { ...params, limit: 1, offset: 0 });
      const [first]: { total: number }[] = await this.dataSource.query(count.text, count.values);
      return first?.total ?? 0;
    });
    const at = (v: Date | string | null) => (v ? formatShanghai(new Date(v)) : null);
    const items: ReviewItemDto[] = rows.map((r) => ({
      kind: r.kind, id: r.id, merchantId: r.merchant_id, marketplace: r.marketplace, subjectKind: r.subject_kind, subjectId: r.subject_id,
      ...(r.kind === 'APPEAL' ? { round: r.round } : { caseNumber: r.case_number, violationId: r.violation_id }),
      submittedAt: at(r.submitted_at), deadline: at(r.deadline), evidence: r.evidence ?? [], claimedBy: r.claimed_by ?? null, claimedAt: at(r.claimed_at),
    }));
    return { items, total, limit: query.limit ?? items.length, offset };
  }

  @Get('decisions')
  @ApiOperation({
    summary: 'Sanctions imposed and fines charged (Asia/Shanghai): today by node, per day for the last 30 days, and for the range asked by node and by bucket',
    description: "An operator whose roles are for some marketplaces counts those marketplaces' merchants only",
  })
  @ApiQuery({ name: 'range', required: false, enum: DECISION_RANGES, description: 'The last hour by minute, 24 hours by hour, 7 or 30 days by day (default 24h)' })
  @ApiOkResponse({ type: DecisionsDto })
  async decisions(@Query() raw: Record<string, unknown>, @ActingFor() scope?: MarketplaceScope): Promise<DecisionsDto> {
    return readDecisions(this.reader(scope), validRequest(DecisionsQuery, raw));
  }

  @Get('decisions/sanctions')
  @ApiOperation({
    summary: "The sanctions behind a bar of the decisions' charts: of a range, of one of its buckets, of one node; newest first, paged",
    description: "An operator whose roles are for some marketplaces sees those marketplaces' merchants only",
  })
  @ApiQuery({ name: 'range', required: false, enum: DECISION_RANGES, description: 'As for the decisions (default 24h)' })
  @ApiQuery({ name: 'node', required: false, description: "A `node` of the decisions' `byNode`", schema: { type: 'string', minLength: 1, maxLength: 64 } })
  @ApiQuery({ name: 'bucket', required: false, description: "A `start` of the decisions' `buckets` for the same range", schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_SANCTIONS_PAGE, default: 20 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_SANCTIONS_OFFSET, default: 0 } })
  @ApiOkResponse({ type: DecisionSanctionsPageDto })
  async decisionSanctions(@Query() raw: Record<string, unknown>, @ActingFor() scope?: MarketplaceScope): Promise<DecisionSanctionsPageDto> {
    return readDecisionSanctions(this.reader(scope), validRequest(DecisionSanctionsQuery, raw));
  }

  private reader(scope: MarketplaceScope | undefined): DecisionsReader {
    return { dataSource: this.dataSource, now: this.clock.now(), scope, defaultMarketplace: this.rules.defaultMarketplace };
  }

  @Get('rules')
  @ApiOperation({ summary: 'The rule data the services run with: every version, the catalogue, the exam scenarios and the deposit table' })
  @ApiOkResponse({ type: RulesDataDto })
  rulesData(): RulesDataDto {
    return {
      versions: this.rules.ruleSets.map((r) => ({ ...r, effectiveFrom: formatShanghai(r.effectiveFrom) })),
      catalogue: CATALOGUE,
      scenarios: SCENARIOS,
      depositTableFen: DEPOSIT_TABLE_FEN,
      currentNaturalYearStarts: formatShanghai(startOfNaturalYear(naturalYearOf(this.clock.now()))),
    };
  }
}
