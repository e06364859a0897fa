import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { EvidenceDocumentRequest } from '@penalty/appeals';
import { buildCloudEvent, EventTypes, Topics, type CloudEvent, type ForgeryCaseUpdatedV1, type ViolationDetectedV1 } from '@penalty/contracts';
import {
  decideRemediationDeadline,
  decideRemediationReview,
  decideRemediationSubmission,
  FORGERY_CASE_STATUSES,
  formatShanghai,
  openForgeryCase,
  remediatedFineFen,
  RuleBook,
  unremediedOutcome,
  type Clock,
  type ForgeryCaseStatus,
  type MeasureType,
  type Severity,
} from '@penalty/domain';
import { appendEventToOutbox, cancelTasks, scheduleTask, TransactionRunner, type DueTask } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { Requires } from '@penalty/auth';
import { Actor, CLOCK, ProblemException, validRequest } from '@penalty/runtime';
import { SanctionBook } from './sanction-book';
import { SANCTION_SOURCE } from './sanction-source';

export const FORGERY_REMEDIATION_DUE_TASK = 'FORGERY_REMEDIATION_DUE';

interface CaseRow {
  case_id: string;
  merchant_id: string;
  violation_id: string;
  case_number: number;
  severity: Severity;
  rule_version: string;
  status: ForgeryCaseStatus;
  opened_at: Date;
  remediation_closes_at: Date | null;
  documents: EvidenceDocumentRequest[];
  sanction_ids: string[];
}

export class SubmitRemediationRequest {
  @ApiProperty({ type: [EvidenceDocumentRequest], minItems: 1, maxItems: 50, description: 'Documents within their validity period, forming a complete chain' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EvidenceDocumentRequest)
  documents: EvidenceDocumentRequest[];
}

export class ReviewRemediationRequest {
  @ApiProperty({ description: 'true when the documents are valid, complete and truthful' })
  @IsBoolean()
  accepted: boolean;

  @ApiPropertyOptional({ description: "The reviewer's note (kept in the audit trail)", maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ForgeryCaseDto {
  @ApiProperty() caseId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() violationId: string;
  @ApiProperty() caseNumber: number;
  @ApiProperty() severity: string;
  @ApiProperty() ruleVersion: string;
  @ApiProperty({ enum: FORGERY_CASE_STATUSES }) status: ForgeryCaseStatus;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true }) remediationClosesAt: string | null;
  @ApiProperty({ type: [String] }) sanctionIds: string[];
}

const toDto = (c: CaseRow): ForgeryCaseDto => ({
  caseId: c.case_id,
  merchantId: c.merchant_id,
  violationId: c.violation_id,
  caseNumber: c.case_number,
  severity: c.severity,
  ruleVersion: c.rule_version,
  status: c.status,
  openedAt: formatShanghai(new Date(c.opened_at)),
  remediationClosesAt: c.remediation_closes_at ? formatShanghai(new Date(c.remediation_closes_at)) : null,
  sanctionIds: c.sanction_ids,
});

/**
 * Section 4: a QUALIFICATION_FORGERY violation opens a case under the rule version in force at its
 * occurredAt. The 2019 rule (and, from 2022-06-27, a severe or third case) clears the merchant out at
 * once; otherwise a remediation window runs: accepted documents end it with a fine by case number, a
 * window closing without them revokes the brand authorisation, delists the related items and fines.
 */
@Injectable()
export class ForgeryCases {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly rules: RuleBook,
    private readonly sanctions: SanctionBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Inbox handler for violations.detected.v1: only forgery concerns the sanction service. */
  async onViolation(manager: EntityManager, event: CloudEvent<ViolationDetectedV1>): Promise<void> {
    const v = event.data;
    if (v.code !== 'QUALIFICATION_FORGERY') return;
    const now = this.clock.now();
    const [{ previous }]: { previous: number }[] = await manager.query(
      `SELECT count(*)::int AS previous FROM forgery_case WHERE merchant_id = $1 AND status <> 'REVOKED'`,
      [v.merchantId],
    );
    const ruleSet = this.rules.at(new Date(v.occurredAt));
    const caseNumber = previous + 1;
    const opening = openForgeryCase({ severity: v.severity, caseNumber, openedAt: now, ruleSet });
    const inserted: CaseRow[] = await manager.query(
      `INSERT INTO forgery_case (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) ON CONFLICT (violation_id) DO NOTHING RETURNING *`,
      [randomUUID(), v.merchantId, v.violationId, caseNumber, v.severity, ruleSet.version, opening.outcome === 'CLEAR_OUT' ? 'CLEARED_OUT' : 'OPEN', now,
        opening.outcome === 'REMEDIATION_WINDOW' ? opening.remediationClosesAt : null],
    );
    // A violationId seen before (under another event id) opens nothing.
    if (inserted.length === 0) return;
    let forgeryCase = inserted[0];
    if (opening.outcome === 'CLEAR_OUT') {
      forgeryCase = await this.sanction(manager, forgeryCase, { measures: opening.measures, fine: 'FORFEITURE' }, now);
    } else {
      await scheduleTask(manager, { kind: FORGERY_REMEDIATION_DUE_TASK, key: forgeryCase.case_id, merchantId: v.merchantId, dueAt: opening.remediationClosesAt });
    }
    await this.publish(manager, forgeryCase, now);
  }

  async submitRemediation(caseId: string, request: SubmitRemediationRequest, actor: string): Promise<ForgeryCaseDto> {
    return this.change(caseId, actor, 'FORGERY.SUBMIT_REMEDIATION', async (manager, c, now) => {
      decideRemediationSubmission({
        status: c.status,
        remediationClosesAt: c.remediation_closes_at ? new Date(c.remediation_closes_at) : null,
        documents: request.documents.map((d) => ({ ...d, validFrom: new Date(d.validFrom), validUntil: new Date(d.validUntil) })),
        now,
      });
      const updated = await this.update(manager, c.case_id, { status: 'REMEDIATION_SUBMITTED', documents: JSON.stringify(request.documents) }, now);
      return { updated, reason: `${request.documents.length} document(s) submitted` };
    });
  }

  async reviewRemediation(caseId: string, request: ReviewRemediationRequest, actor: string): Promise<ForgeryCaseDto> {
    return this.change(caseId, actor, request.accepted ? 'FORGERY.ACCEPT_REMEDIATION' : 'FORGERY.REJECT_REMEDIATION', async (manager, c, now) => {
      const { status } = decideRemediationReview({ status: c.status, accepted: request.accepted, remediationClosesAt: new Date(c.remediation_closes_at!), now });
      const updated = await this.close(manager, c, status, now);
      return { updated, reason: request.note ?? (request.accepted ? 'remediation accepted' : 'remediation rejected') };
    });
  }

  /** The remediation window closed (scheduled task): an OPEN case is UNREMEDIED; one under review waits. */
  async onRemediationDue(manager: EntityManager, task: DueTask, now: Date): Promise<void> {
    const c = await this.lock(manager, task.key);
    const outcome = decideRemediationDeadline(c.status);
    if (!outcome) return;
    await this.publish(manager, await this.close(manager, c, outcome.status, now), now);
  }

  /** An accepted appeal against the case: the case and every sanction it led to are revoked. */
  async revoke(manager: EntityManager, caseId: string, now: Date): Promise<void> {
    const c = await this.lock(manager, caseId);
    for (const sanctionId of c.sanction_ids) await this.sanctions.revoke(manager, sanctionId, 'APPEAL_ACCEPTED', now);
    await cancelTasks(manager, FORGERY_REMEDIATION_DUE_TASK, caseId, now);
    await this.publish(manager, await this.update(manager, caseId, { status: 'REVOKED' }, now), now);
  }

  async lock(manager: EntityManager, caseId: string): Promise<CaseRow> {
    const [c]: CaseRow[] = await manager.query('SELECT * FROM forgery_case WHERE case_id = $1 FOR UPDATE', [caseId]);
    if (!c) throw ProblemException.notFound('FORGERY.CASE_NOT_FOUND', `No forgery case ${caseId}.`);
    return c;
  }

  async list(merchantId: string): Promise<ForgeryCaseDto[]> {
    const rows: CaseRow[] = await this.dataSource.query('SELECT * FROM forgery_case WHERE merchant_id = $1 ORDER BY opened_at DESC', [merchantId]);
    return rows.map(toDto);
  }

  private async close(manager: EntityManager, c: CaseRow, status: ForgeryCaseStatus, now: Date): Promise<CaseRow> {
    const ruleSet = this.rules.ofVersion(c.rule_version, new Date(c.opened_at));
    if (status === 'REMEDIED') {
      await cancelTasks(manager, FORGERY_REMEDIATION_DUE_TASK, c.case_id, now);
      return this.sanction(manager, { ...c, status }, { measures: [], fine: remediatedFineFen(c.case_number, ruleSet) }, now);
    }
    if (status === 'UNREMEDIED') {
      const outcome = unremediedOutcome(ruleSet);
      return this.sanction(manager, { ...c, status }, { measures: outcome.measures, fine: outcome.fineFen }, now);
    }
    return this.update(manager, c.case_id, { status }, now);
  }

  private async sanction(manager: EntityManager, c: CaseRow, what: { measures: MeasureType[]; fine: number | 'FORFEITURE' }, now: Date): Promise<CaseRow> {
    const ruleSet = this.rules.ofVersion(c.rule_version, new Date(c.opened_at));
    const sanctionId = await this.sanctions.impose(
      manager,
      {
        merchantId: c.merchant_id,
        cause: { kind: 'FORGERY', violationIds: [c.violation_id], caseId: c.case_id },
        measures: what.measures.map((type) => ({ type, startsAt: now, endsAt: null })),
        fine: what.fine,
        ruleSet,
      },
      now,
    );
    return this.update(manager, c.case_id, { status: c.status, sanction_ids: JSON.stringify([...c.sanction_ids, sanctionId]) }, now);
  }

  private async change(
    caseId: string,
    actor: string,
    action: string,
    work: (manager: EntityManager, c: CaseRow, now: Date) => Promise<{ updated: CaseRow; reason: string }>,
  ): Promise<ForgeryCaseDto> {
    const now = this.clock.now();
    const [owner]: { merchant_id: string }[] = await this.dataSource.query('SELECT merchant_id FROM forgery_case WHERE case_id = $1', [caseId]);
    if (!owner) throw ProblemException.notFound('FORGERY.CASE_NOT_FOUND', `No forgery case ${caseId}.`);
    return this.runner.run([owner.merchant_id], async ({ manager }) => {
      const c = await this.lock(manager, caseId);
      const { updated, reason } = await work(manager, c, now);
      await this.publish(manager, updated, now);
      await recordAudit(manager, { actor, action, merchantId: c.merchant_id, subjectType: 'FORGERY_CASE', subjectId: caseId, reason, details: { status: updated.status }, occurredAt: now });
      return toDto(updated);
    });
  }

  private async update(manager: EntityManager, caseId: string, fields: Record<string, unknown>, now: Date): Promise<CaseRow> {
    const names = Object.keys(fields);
    const [[row]]: [CaseRow[], number] = await manager.query(
      `UPDATE forgery_case SET ${names.map((n, i) => `${n} = $${i + 2}`).join(', ')}, updated_at = $${names.length + 2} WHERE case_id = $1 RETURNING *`,
      [caseId, ...Object.values(fields), now],
    );
    return row;
  }

  private async publish(manager: EntityManager, c: CaseRow, now: Date): Promise<void> {
    const data: ForgeryCaseUpdatedV1 = toDto(c) as ForgeryCaseUpdatedV1;
    appendEventToOutbox(manager, Topics.RemediesUpdatedV1, buildCloudEvent({ type: EventTypes.ForgeryCaseUpdatedV1, source: SANCTION_SOURCE, subject: c.merchant_id, data, time: now }));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const caseIdOf = (caseId: string) => {
  if (!UUID.test(caseId)) throw ProblemException.validation([{ field: 'caseId', message: 'must be a forgery case id (UUID)' }]);
  return caseId;
};

@ApiTags('forgery cases')
@Controller('v1')
export class ForgeryCasesController {
  constructor(private readonly cases: ForgeryCases) {}

  @Post('forgery-cases/:caseId/remediation')
  @HttpCode(200)
  @ApiOperation({ summary: 'The merchant submits remediation documents inside the window. Audited.' })
  @Requires('reviewer')
  @ApiOkResponse({ type: ForgeryCaseDto })
  submit(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: string): Promise<ForgeryCaseDto> {
    return this.cases.submitRemediation(caseIdOf(caseId), validRequest(SubmitRemediationRequest, body), actor);
  }

  @Post('forgery-cases/:caseId/remediation/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'A reviewer accepts (fine by case number) or rejects the submitted documents. Audited.' })
  @Requires('reviewer')
  @ApiOkResponse({ type: ForgeryCaseDto })
  review(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: string): Promise<ForgeryCaseDto> {
    return this.cases.reviewRemediation(caseIdOf(caseId), validRequest(ReviewRemediationRequest, body), actor);
  }

  @Get('merchants/:merchantId/forgery-cases')
  @ApiOperation({ summary: "The merchant's qualification-forgery cases, newest first" })
  @ApiOkResponse({ type: ForgeryCaseDto, isArray: true })
  async list(@Param('merchantId') merchantId: string): Promise<{ merchantId: string; items: ForgeryCaseDto[] }> {
    return { merchantId, items: await this.cases.list(merchantId) };
  }
}
