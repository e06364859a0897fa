import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type CloudEvent, type ExamChanceUpdatedV1 } from '@penalty/contracts';
import {
  decideExamChanceGrant,
  decideExamChanceRefusal,
  decideExamChanceUse,
  decideExamChanceVoid,
  decideExamResult,
  EXAM_CHANCE_STATUSES,
  EXAM_RESULTS,
  examChanceExpiresAt,
  examChanceStatusAt,
  examOffersAtGrant,
  formatShanghai,
  naturalYearOf,
  RuleBook,
  type Clock,
  type ExamChanceStatus,
  type ExamResult,
  type Scenario,
} from '@penalty/domain';
import { appendEventToOutbox, TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { Requires } from '@penalty/auth';
import { Actor, CLOCK, ProblemException, validRequest, ApiListOkResponse } from '@penalty/runtime';
import { adjustPoints, lockViolation, SCORING_SOURCE } from './adjust-points';
import type { Queryable } from './points.repository';

export interface ChanceRow {
  chance_id: string;
  merchant_id: string;
  natural_year: number;
  status: Exclude<ExamChanceStatus, 'EXPIRED'>;
  granted_at: Date;
  expires_at: Date;
  violation_id: string | null;
  reason: string | null;
}

/** The chances still usable of each of these merchants (GRANTED, unexpired; the soonest expiring), locked for the transaction. */
export async function lockUsableChances(db: Queryable, merchantIds: readonly string[], now: Date): Promise<Map<string, ChanceRow>> {
  if (merchantIds.length === 0) return new Map();
  const rows = await db.query<ChanceRow>(
    `SELECT c.* FROM (SELECT DISTINCT unnest($1::text[]) AS merchant_id ORDER BY 1) m
     CROSS JOIN LATERAL (SELECT * FROM exam_chance WHERE merchant_id = m.merchant_id AND status = 'GRANTED' AND expires_at > $2 ORDER BY expires_at LIMIT 1 FOR UPDATE) c`,
    [merchantIds, now],
  );
  return new Map(rows.map((r) => [r.merchant_id, r]));
}

/** exam-chance.updated.v1 with the chance's whole state (and the choice an assessment offers, if any). */
export function examChanceUpdated(chance: ChanceRow, now: Date, offer: ExamChanceUpdatedV1['offer']): CloudEvent<ExamChanceUpdatedV1> {
  const dto = chanceDto(chance, now);
  const data: ExamChanceUpdatedV1 = {
    chanceId: dto.chanceId,
    merchantId: dto.merchantId,
    naturalYear: dto.naturalYear,
    status: dto.status,
    expiresAt: dto.expiresAt,
    violationId: dto.violationId,
    offer,
    reason: dto.reason,
  };
  return buildCloudEvent({ type: EventTypes.ExamChanceUpdatedV1, source: SCORING_SOURCE, subject: chance.merchant_id, data, time: now });
}

function chanceDto(row: ChanceRow, now: Date): ExamChanceDto {
  return {
    chanceId: row.chance_id,
    merchantId: row.merchant_id,
    naturalYear: row.natural_year,
    status: examChanceStatusAt({ status: row.status, expiresAt: new Date(row.expires_at) }, now),
    grantedAt: formatShanghai(new Date(row.granted_at)),
    expiresAt: formatShanghai(new Date(row.expires_at)),
    violationId: row.violation_id,
    reason: row.reason,
  };
}

export class GrantExamChanceRequest {
  @ApiPropertyOptional({ description: 'Why (kept in the audit trail)', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class UseExamChanceRequest {
  @ApiProperty({ description: 'The violation whose points the exam would waive' })
  @IsString()
  @Length(1, 128)
  violationId: string;
}

export class ExamResultRequest {
  @ApiProperty({ enum: EXAM_RESULTS })
  @IsIn(EXAM_RESULTS)
  result: ExamResult;
}

export class OperatorReasonRequest {
  @ApiProperty({ description: 'Why the operator refuses or voids the chance (kept in the audit trail and told to the merchant)', minLength: 3, maxLength: 2000 })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class ExamChanceDto {
  @ApiProperty() chanceId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() naturalYear: number;
  @ApiProperty({ enum: EXAM_CHANCE_STATUSES }) status: ExamChanceStatus;
  @ApiProperty({ description: 'RFC 3339, Asia/Shanghai' }) grantedAt: string;
  @ApiProperty({ description: '31 December 24:00 Asia/Shanghai of the grant year' }) expiresAt: string;
  @ApiProperty({ nullable: true }) violationId: string | null;
  @ApiProperty({ nullable: true }) reason: string | null;
}

/**
 * Section 6 over HTTP and events: operators grant chances to eligible merchants, merchants choose to
 * use one on a violation within the choice window, the exam result waives the points (or not), and
 * operators refuse or void chances (voiding a passed one restores the points). Each change, its
 * exam-chance.updated.v1 event, any penalty.adjusted.v1 and the audit entry commit together.
 */
@Injectable()
export class ExamChances {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly rules: RuleBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async grant(merchantId: string, request: GrantExamChanceRequest, actor: string): Promise<ExamChanceDto> {
    return this.change(merchantId, async (manager, now) => {
      const [profile]: { exam_eligible: boolean }[] = await manager.query('SELECT exam_eligible FROM merchant_profile WHERE merchant_id = $1 FOR UPDATE', [merchantId]);
      const naturalYear = naturalYearOf(now);
      const [{ count }]: { count: number }[] = await manager.query(
        'SELECT count(*)::int AS count FROM exam_chance WHERE merchant_id = $1 AND natural_year = $2',
        [merchantId, naturalYear],
      );
      decideExamChanceGrant({ eligible: profile?.exam_eligible ?? false, grantedThisYear: count, ruleSet: this.rules.at(now) });
      const [chance]: ChanceRow[] = await manager.query(
        `INSERT INTO exam_chance (chance_id, merchant_id, natural_year, status, granted_at, expires_at, updated_at)
         VALUES ($1, $2, $3, 'GRANTED', $4, $5, $4) RETURNING *`,
        [randomUUID(), merchantId, naturalYear, now, examChanceExpiresAt(now)],
      );
      // Decisions made before the grant whose choice window is still open are offered now, as at assessment.
      const offers = examOffersAtGrant(now, await this.offerCandidates(manager, merchantId, now));
      return { chance, action: 'EXAM.GRANT', reason: request.note ?? 'granted', offers: offers.map((o) => ({ violationId: o.violationId, choiceClosesAt: formatShanghai(o.choiceClosesAt) })) };
    }, actor);
  }

  /** The merchant's scored violations decided recently enough for a choice window of any rule version to be open at `now`. */
  private async offerCandidates(manager: EntityManager, merchantId: string, now: Date): Promise<Parameters<typeof examOffersAtGrant>[1]> {
    const longestWindowDays = Math.max(...this.rules.ruleSets.map((r) => r.examChoiceWindowDays));
    const rows: { violation_id: string; scenario: string | null; points: number; assessed_at: Date; rule_version: string; marketplace: string | null; exam_chosen: boolean }[] = await manager.query(
      `SELECT v.violation_id, v.scenario, v.points, v.assessed_at, v.rule_version, v.marketplace,
              EXISTS (SELECT 1 FROM exam_chance c WHERE c.violation_id = v.violation_id) AS exam_chosen
       FROM violation v
       WHERE v.merchant_id = $1 AND v.points > 0 AND v.scenario IS NOT NULL AND v.assessed_at >= $2
       ORDER BY v.assessed_at, v.violation_id`,
      [merchantId, new Date(now.getTime() - (longestWindowDays + 1) * 86_400_000)],
    );
    return rows.map((r) => ({
      violationId: r.violation_id,
      scenario: r.scenario as Scenario,
      points: r.points,
      decidedAt: new Date(r.assessed_at),
      ruleSet: this.rules.ofVersion(r.rule_version, r.marketplace ?? undefined),
      examChosen: r.exam_chosen,
    }));
  }

  async use(chanceId: string, request: UseExamChanceRequest, actor: string): Promise<ExamChanceDto> {
    return this.change(await this.merchantOfChance(chanceId), async (manager, now) => {
      const chance = await this.lockChance(manager, chanceId);
      const violation = await lockViolation(manager, request.violationId);
      if (!violation || violation.merchant_id !== chance.merchant_id) {
        throw ProblemException.notFound('EXAM.VIOLATION_NOT_FOUND', `No violation ${request.violationId} of merchant ${chance.merchant_id}.`);
      }
      decideExamChanceUse({
        chance: { status: chance.status, expiresAt: new Date(chance.expires_at) },
        violation: { scenario: violation.scenario as Scenario | null, points: violation.points, decidedAt: new Date(violation.assessed_at) },
        now,
        ruleSet: this.rules.ofVersion(violation.rule_version, violation.marketplace ?? undefined),
      });
      const updated = await this.update(manager, chanceId, { status: 'CHOSEN', violation_id: violation.violation_id, chosen_at: now }, now);
      return { chance: updated, action: 'EXAM.USE', reason: `chosen for violation ${violation.violation_id}` };
    }, actor);
  }

  async recordResult(chanceId: string, request: ExamResultRequest, actor: string): Promise<ExamChanceDto> {
    return this.change(await this.merchantOfChance(chanceId), async (manager, now) => {
      const chance = await this.lockChance(manager, chanceId);
      const outcome = decideExamResult({ status: chance.status, result: request.result });
      if (outcome.waivesPoints) {
        const violation = (await lockViolation(manager, chance.violation_id!))!;
        // Item handling (delisting, deletion) is not undone: only the points are waived (unless an accepted appeal already did).
        if (violation.waiver !== 'APPEAL') await adjustPoints(manager, violation, { points: 0, waiver: 'EXAM' }, now);
      }
      const updated = await this.update(manager, chanceId, { status: outcome.status, decided_at: now }, now);
      return { chance: updated, action: `EXAM.${outcome.status}`, reason: `exam ${outcome.status.toLowerCase()}` };
    }, actor);
  }

  async refuse(chanceId: string, request: OperatorReasonRequest, actor: string): Promise<ExamChanceDto> {
    return this.change(await this.merchantOfChance(chanceId), async (manager, now) => {
      const chance = await this.lockChance(manager, chanceId);
      decideExamChanceRefusal(examChanceStatusAt({ status: chance.status, expiresAt: new Date(chance.expires_at) }, now));
      const updated = await this.update(manager, chanceId, { status: 'REFUSED', reason: request.reason, decided_at: now }, now);
      return { chance: updated, action: 'EXAM.REFUSE', reason: request.reason };
    }, actor);
  }

  async void(chanceId: string, request: OperatorReasonRequest, actor: string): Promise<ExamChanceDto> {
    return this.change(await this.merchantOfChance(chanceId), async (manager, now) => {
      const chance = await this.lockChance(manager, chanceId);
      const { restoresPoints } = decideExamChanceVoid(examChanceStatusAt({ status: chance.status, expiresAt: new Date(chance.expires_at) }, now));
      if (restoresPoints) {
        const violation = (await lockViolation(manager, chance.violation_id!))!;
        // Points waived by this exam come back (an accepted appeal since then keeps them waived).
        if (violation.waiver === 'EXAM') await adjustPoints(manager, violation, { points: violation.base_points, waiver: null }, now);
      }
      const updated = await this.update(manager, chanceId, { status: 'VOIDED', reason: request.reason, decided_at: now }, now);
      return { chance: updated, action: 'EXAM.VOID', reason: request.reason };
    }, actor);
  }

  async list(merchantId: string): Promise<ExamChanceDto[]> {
    const rows: ChanceRow[] = await this.dataSource.query('SELECT * FROM exam_chance WHERE merchant_id = $1 ORDER BY granted_at DESC', [merchantId]);
    const now = this.clock.now();
    return rows.map((r) => this.toDto(r, now));
  }

  /** One command on a merchant's chances: the change, its event, any penalty.adjusted.v1 and the audit entry commit together. */
  private async change(
    merchantId: string,
    work: (manager: EntityManager, now: Date) => Promise<{ chance: ChanceRow; action: string; reason: string; offers?: NonNullable<ExamChanceUpdatedV1['offer']>[] }>,
    actor: string,
  ): Promise<ExamChanceDto> {
    const now = this.clock.now();
    return this.runner.run(async ({ manager }) => {
      const { chance, action, reason, offers = [] } = await work(manager, now);
      this.publish(manager, chance, now, null);
      // Each exam choice the change opens, after the chance's own state (as an assessment publishes it).
      for (const offer of offers) this.publish(manager, chance, now, offer);
      await recordAudit(manager, {
        actor, action, merchantId: chance.merchant_id, subjectType: 'EXAM_CHANCE', subjectId: chance.chance_id, reason,
        details: { status: chance.status, violationId: chance.violation_id }, occurredAt: now,
      });
      return this.toDto(chance, now);
    });
  }

  /** Whose chance it is (read before the command's transaction, which locks the merchant's outbox lane first). */
  private async merchantOfChance(chanceId: string): Promise<string> {
    const [chance]: { merchant_id: string }[] = await this.dataSource.query('SELECT merchant_id FROM exam_chance WHERE chance_id = $1', [chanceId]);
    if (!chance) throw ProblemException.notFound('EXAM.CHANCE_NOT_FOUND', `No exam chance ${chanceId}.`);
    return chance.merchant_id;
  }

  private async lockChance(manager: EntityManager, chanceId: string): Promise<ChanceRow> {
    const [chance]: ChanceRow[] = await manager.query('SELECT * FROM exam_chance WHERE chance_id = $1 FOR UPDATE', [chanceId]);
    if (!chance) throw ProblemException.notFound('EXAM.CHANCE_NOT_FOUND', `No exam chance ${chanceId}.`);
    return chance;
  }

  private async update(manager: EntityManager, chanceId: string, fields: Record<string, unknown>, now: Date): Promise<ChanceRow> {
    const names = Object.keys(fields);
    const [[row]]: [ChanceRow[], number] = await manager.query(
      `UPDATE exam_chance SET ${names.map((n, i) => `${n} = $${i + 2}`).join(', ')}, updated_at = $${names.length + 2} WHERE chance_id = $1 RETURNING *`,
      [chanceId, ...Object.values(fields), now],
    );
    return row;
  }

  private toDto(row: ChanceRow, now: Date): ExamChanceDto {
    return chanceDto(row, now);
  }

  private publish(manager: EntityManager, chance: ChanceRow, now: Date, offer: ExamChanceUpdatedV1['offer']): void {
    appendEventToOutbox(manager, Topics.RemediesUpdatedV1, examChanceUpdated(chance, now, offer));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const chanceIdOf = (chanceId: string) => {
  if (!UUID.test(chanceId)) throw ProblemException.validation([{ field: 'chanceId', message: 'must be an exam chance id (UUID)' }]);
  return chanceId;
};

@ApiTags('exam chances')
@Requires('reviewer')
@Controller('v1')
export class ExamChancesController {
  constructor(private readonly chances: ExamChances) {}

  @Post('merchants/:merchantId/exam-chances')
  @ApiOperation({ summary: 'Grant an eligible merchant its exam-instead-of-penalty chance of the natural year (operator). Audited.' })
  @ApiCreatedResponse({ type: ExamChanceDto })
  @ApiBody({ type: GrantExamChanceRequest, required: false })
  @ApiNotFoundResponse({ description: 'EXAM.VIOLATION_NOT_FOUND: no such violation of the merchant' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  grant(@Param('merchantId') merchantId: string, @Body() body: unknown, @Actor() actor: string): Promise<ExamChanceDto> {
    return this.chances.grant(merchantId, validRequest(GrantExamChanceRequest, body ?? {}), actor);
  }

  @Get('merchants/:merchantId/exam-chances')
  @Requires('viewer')
  @ApiOperation({ summary: "The merchant's exam chances, newest first" })
  @ApiListOkResponse(ExamChanceDto, { merchantId: true })
  async list(@Param('merchantId') merchantId: string): Promise<{ merchantId: string; items: ExamChanceDto[] }> {
    return { merchantId, items: await this.chances.list(merchantId) };
  }

  @Post('exam-chances/:chanceId/use')
  @HttpCode(200)
  @ApiOperation({ summary: 'The merchant chooses to use the chance on a violation (exam scenarios, scored, within 15 days). Audited.' })
  @ApiOkResponse({ type: ExamChanceDto })
  @ApiBody({ type: UseExamChanceRequest })
  @ApiNotFoundResponse({ description: 'EXAM.CHANCE_NOT_FOUND: no exam chance with that id' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  use(@Param('chanceId') chanceId: string, @Body() body: unknown, @Actor() actor: string): Promise<ExamChanceDto> {
    return this.chances.use(chanceIdOf(chanceId), validRequest(UseExamChanceRequest, body), actor);
  }

  @Post('exam-chances/:chanceId/result')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the exam result of a chosen chance; PASSED waives the points (penalty.adjusted.v1, waiver EXAM). Audited.' })
  @ApiOkResponse({ type: ExamChanceDto })
  @ApiBody({ type: ExamResultRequest })
  @ApiNotFoundResponse({ description: 'EXAM.CHANCE_NOT_FOUND: no exam chance with that id' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  result(@Param('chanceId') chanceId: string, @Body() body: unknown, @Actor() actor: string): Promise<ExamChanceDto> {
    return this.chances.recordResult(chanceIdOf(chanceId), validRequest(ExamResultRequest, body), actor);
  }

  @Post('exam-chances/:chanceId/refusal')
  @HttpCode(200)
  @ApiOperation({ summary: 'An operator refuses a chance not yet decided by an exam. Audited.' })
  @ApiOkResponse({ type: ExamChanceDto })
  @ApiBody({ type: OperatorReasonRequest })
  @ApiNotFoundResponse({ description: 'EXAM.CHANCE_NOT_FOUND: no exam chance with that id' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  refuse(@Param('chanceId') chanceId: string, @Body() body: unknown, @Actor() actor: string): Promise<ExamChanceDto> {
    return this.chances.refuse(chanceIdOf(chanceId), validRequest(OperatorReasonRequest, body), actor);
  }

  @Post('exam-chances/:chanceId/voiding')
  @HttpCode(200)
  @ApiOperation({ summary: 'An operator voids a chance; voiding a passed one restores the waived points, which may reach a ladder node. Audited.' })
  @ApiOkResponse({ type: ExamChanceDto })
  @ApiBody({ type: OperatorReasonRequest })
  @ApiNotFoundResponse({ description: 'EXAM.CHANCE_NOT_FOUND: no exam chance with that id' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  void(@Param('chanceId') chanceId: string, @Body() body: unknown, @Actor() actor: string): Promise<ExamChanceDto> {
    return this.chances.void(chanceIdOf(chanceId), validRequest(OperatorReasonRequest, body), actor);
  }
}
