import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EventTypes, Topics } from '@penalty/contracts';
import {
  blockingClaim,
  assertRemediationUnderReview,
  decideRemediationDeadline,
  decideRemediationReview,
  decideRemediationSubmission,
  remediatedFineFen,
  RuleBook,
  unremediedOutcome,
  type Clock,
  type ForgeryCaseStatus,
  type MeasureType,
} from '@penalty/domain';
import { TransactionRunner, txOf, type DueTask, type Tx } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { assertActsFor, CLOCK, type MarketplaceScope } from '@penalty/runtime';
import { forgeryCaseDto, forgeryCaseUpdated, type ForgeryCaseDto } from '../forgery-case.dto';
import { ForgeryCaseRepository, type ForgeryCaseRow } from '../forgery-case.repository';
import { FORGERY_REMEDIATION_DUE_TASK } from '../open-forgery-cases/open-forgery-cases.handler';
import { SanctionBooks, type SanctionBook } from '../sanction-book';
import { SanctionError } from '../sanctions.errors';
import type { ReviewRemediationRequest, SubmitRemediationRequest } from './remediation.requests';

/**
 * Section 4 after a case opened: the merchant submits documents inside the window, a reviewer accepts
 * them (fine by case number) or rejects them; the window closing without accepted documents revokes
 * the brand authorisation, delists the related items and fines; an accepted appeal revokes the case
 * and every sanction it led to. Each change, its sanctions, forgery-case.updated.v1 and the audit
 * entry commit together (rows first; the outbox lanes at the commit).
 */
@Injectable()
export class RemediateForgeryCaseHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly rules: RuleBook,
    private readonly cases: ForgeryCaseRepository,
    private readonly books: SanctionBooks,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async submitRemediation(caseId: string, request: SubmitRemediationRequest, actor: string): Promise<ForgeryCaseDto> {
    return this.change(caseId, actor, 'FORGERY.SUBMIT_REMEDIATION', async (tx, c, now) => {
      decideRemediationSubmission({
        status: c.status,
        remediationClosesAt: c.remediation_closes_at ? new Date(c.remediation_closes_at) : null,
        documents: request.documents.map((d) => ({ ...d, validFrom: new Date(d.validFrom), validUntil: new Date(d.validUntil) })),
        now,
      });
      const updated = await this.cases.update(tx, c.case_id, { status: 'REMEDIATION_SUBMITTED', documents: request.documents }, now);
      return { updated, reason: `${request.documents.length} document(s) submitted` };
    });
  }

  async reviewRemediation(caseId: string, request: ReviewRemediationRequest, actor: string, scope?: MarketplaceScope): Promise<ForgeryCaseDto> {
    return this.change(caseId, actor, request.accepted ? 'FORGERY.ACCEPT_REMEDIATION' : 'FORGERY.REJECT_REMEDIATION', async (tx, c, now, book) => {
      assertActsFor(scope, c.marketplace ?? this.rules.defaultMarketplace, `Forgery case ${caseId}`);
      // One reviewer per submitted remediation: one another reviewer has claimed is theirs to review.
      const holder = blockingClaim(c.claimed_by, actor, { kind: 'DECIDE' });
      if (holder) throw new SanctionError('FORGERY.CLAIMED_BY_ANOTHER', `The remediation of forgery case ${caseId} is claimed by ${holder}; they review it, or release it first.`);
      const { status } = decideRemediationReview({ status: c.status, accepted: request.accepted, remediationClosesAt: new Date(c.remediation_closes_at!), now });
      const updated = await this.close(tx, book, c, status, now);
      return { updated, reason: request.note ?? (request.accepted ? 'remediation accepted' : 'remediation rejected') };
    });
  }

  /**
   * A reviewer claims a submitted remediation (`assignee` absent) or assigns it to a colleague; one
   * claimed by someone else is refused (409 FORGERY.CLAIMED_BY_ANOTHER) until they release it. Audited.
   */
  async claimRemediation(caseId: string, actor: string, assignee: string | undefined, scope?: MarketplaceScope): Promise<ForgeryCaseDto> {
    const holder = assignee ?? actor;
    const assigning = holder !== actor;
    return this.change(caseId, actor, assigning ? 'FORGERY.ASSIGN_REMEDIATION' : 'FORGERY.CLAIM_REMEDIATION', async (tx, c, now) => {
      // Only someone who may review it claims it (or hands it on).
      assertActsFor(scope, c.marketplace ?? this.rules.defaultMarketplace, `Forgery case ${caseId}`);
      assertRemediationUnderReview(c.status);
      const blocking = blockingClaim(c.claimed_by, actor, { kind: 'CLAIM', holder });
      if (blocking) throw new SanctionError('FORGERY.CLAIMED_BY_ANOTHER', `The remediation of forgery case ${caseId} is claimed by ${blocking}.`);
      return { updated: await this.cases.setClaim(tx, caseId, holder, now), reason: assigning ? `assigned to ${holder}` : 'claimed' };
    });
  }

  /** The holder releases the claim of a submitted remediation (their own, or one assigned to them). Audited. */
  async releaseRemediation(caseId: string, actor: string): Promise<ForgeryCaseDto> {
    return this.change(caseId, actor, 'FORGERY.RELEASE_REMEDIATION', async (tx, c, now) => {
      assertRemediationUnderReview(c.status);
      const holder = blockingClaim(c.claimed_by, actor, { kind: 'RELEASE' });
      if (holder) throw new SanctionError('FORGERY.CLAIMED_BY_ANOTHER', `The remediation of forgery case ${caseId} is claimed by ${holder}; only they release it.`);
      return { updated: await this.cases.setClaim(tx, caseId, null, now), reason: 'released' };
    });
  }

  /** A case note, kept in the audit trail (any state); it changes nothing else. */
  async noteRemediation(caseId: string, text: string, actor: string): Promise<void> {
    const now = this.clock.now();
    const owner = await this.cases.ownerOf(this.dataSource, caseId);
    if (!owner) throw new SanctionError('FORGERY.CASE_NOT_FOUND', `No forgery case ${caseId}.`);
    await this.runner.run(async (tx) => {
      await recordAudit(tx.manager, { actor, action: 'FORGERY.NOTE', merchantId: owner, subjectType: 'FORGERY_CASE', subjectId: caseId, reason: text, details: {}, occurredAt: now });
    });
  }

  /** The remediation window closed (scheduled task): an OPEN case is UNREMEDIED; one under review waits. */
  async onRemediationDue(manager: EntityManager, task: DueTask, now: Date): Promise<void> {
    const tx = txOf(manager);
    const c = await this.cases.lock(tx, task.key);
    const outcome = decideRemediationDeadline(c.status);
    if (!outcome) return;
    const book = this.books.open(tx, now);
    const updated = await this.close(tx, book, c, outcome.status, now);
    this.publish(book, updated);
    await book.flush();
  }

  /** An accepted appeal against the case: the case and every sanction it led to are revoked. */
  async revoke(manager: EntityManager, caseId: string, now: Date): Promise<void> {
    const tx = txOf(manager);
    const c = await this.cases.lock(tx, caseId);
    const book = this.books.open(tx, now);
    await book.load({ merchants: [c.merchant_id], sanctions: c.sanction_ids });
    for (const sanctionId of c.sanction_ids) book.revoke(sanctionId, 'APPEAL_ACCEPTED');
    book.cancelTasks(FORGERY_REMEDIATION_DUE_TASK, caseId);
    this.publish(book, await this.cases.update(tx, caseId, { status: 'REVOKED' }, now));
    await book.flush();
  }

  async list(merchantId: string): Promise<ForgeryCaseDto[]> {
    return (await this.cases.list(this.dataSource, merchantId)).map(forgeryCaseDto);
  }

  private async close(tx: Tx, book: SanctionBook, c: ForgeryCaseRow, status: ForgeryCaseStatus, now: Date): Promise<ForgeryCaseRow> {
    const ruleSet = this.rules.ofVersion(c.rule_version, c.marketplace ?? undefined);
    if (status === 'REMEDIED') {
      book.cancelTasks(FORGERY_REMEDIATION_DUE_TASK, c.case_id);
      return this.sanction(tx, book, { ...c, status }, { measures: [], fine: remediatedFineFen(c.case_number, ruleSet) }, now);
    }
    if (status === 'UNREMEDIED') {
      const outcome = unremediedOutcome(ruleSet);
      return this.sanction(tx, book, { ...c, status }, { measures: outcome.measures, fine: outcome.fineFen }, now);
    }
    return this.cases.update(tx, c.case_id, { status }, now);
  }

  private async sanction(tx: Tx, book: SanctionBook, c: ForgeryCaseRow, what: { measures: MeasureType[]; fine: number }, now: Date): Promise<ForgeryCaseRow> {
    await book.load({ merchants: [c.merchant_id] });
    const sanctionId = book.impose({
      merchantId: c.merchant_id,
      cause: { kind: 'FORGERY', violationIds: [c.violation_id], caseId: c.case_id },
      measures: what.measures.map((type) => ({ type, startsAt: now, endsAt: null })),
      fine: what.fine,
      ruleSet: this.rules.ofVersion(c.rule_version, c.marketplace ?? undefined),
    });
    return this.cases.update(tx, c.case_id, { status: c.status, sanctionIds: [...c.sanction_ids, sanctionId] }, now);
  }

  private publish(book: SanctionBook, c: ForgeryCaseRow): void {
    book.publish(Topics.RemediesUpdatedV1, EventTypes.ForgeryCaseUpdatedV1, c.merchant_id, forgeryCaseUpdated(c));
  }

  private async change(
    caseId: string,
    actor: string,
    action: string,
    work: (tx: Tx, c: ForgeryCaseRow, now: Date, book: SanctionBook) => Promise<{ updated: ForgeryCaseRow; reason: string }>,
  ): Promise<ForgeryCaseDto> {
    const now = this.clock.now();
    // An unknown case is answered without opening a transaction.
    const owner = await this.cases.ownerOf(this.dataSource, caseId);
    if (!owner) throw new SanctionError('FORGERY.CASE_NOT_FOUND', `No forgery case ${caseId}.`);
    return this.runner.run(async (tx) => {
      const c = await this.cases.lock(tx, caseId);
      const book = this.books.open(tx, now);
      const { updated, reason } = await work(tx, c, now, book);
      this.publish(book, updated);
      await book.flush();
      await recordAudit(tx.manager, { actor, action, merchantId: c.merchant_id, subjectType: 'FORGERY_CASE', subjectId: caseId, reason, details: { status: updated.status, claimedBy: updated.claimed_by }, occurredAt: now });
      return forgeryCaseDto(updated);
    });
  }
}
