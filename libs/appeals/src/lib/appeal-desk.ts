import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type AppealUpdatedV1 } from '@penalty/contracts';
import {
  decideAppealFiling,
  decideAppealReview,
  blockingClaim,
  formatShanghai,
  secondAppealCloses,
  type AppealRejectionReason,
  type AppealStatus,
  type AppealSubjectKind,
  type Clock,
  type RuleSet,
} from '@penalty/domain';
import { appendEventToOutbox, TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { assertActsFor, CLOCK, ProblemException, type MarketplaceScope } from '@penalty/runtime';
import type { AppealDto, DecideAppealRequest, EvidenceDocumentRequest, FileAppealRequest } from './appeal.requests';

/** A decision as the service that owns it knows it: whose, when it was made, under which rules. */
export interface AppealableDecision {
  merchantId: string;
  /** The marketplace it was judged for: only operators whose roles cover it decide its appeals. */
  marketplace: string;
  decidedAt: Date;
  ruleSet: RuleSet;
}

/**
 * The decisions a service owns and lets merchants appeal. `find` locks the decision for the rest of
 * the transaction; `revoke` undoes it when an appeal is accepted (restore points, lift, refund).
 */
export interface AppealSubjects {
  readonly kinds: readonly AppealSubjectKind[];
  readonly source: string;
  find(manager: EntityManager, kind: AppealSubjectKind, id: string): Promise<AppealableDecision | null>;
  revoke(manager: EntityManager, kind: AppealSubjectKind, id: string, context: { appealId: string; now: Date; actor: string }): Promise<void>;
}

export const APPEAL_SUBJECTS = Symbol('APPEAL_SUBJECTS');

interface AppealRow {
  appeal_id: string;
  merchant_id: string;
  subject_kind: AppealSubjectKind;
  subject_id: string;
  round: number;
  status: AppealStatus;
  statement: string;
  evidence: EvidenceDocumentRequest[];
  filed_at: Date;
  window_closes_at: Date;
  rejection_reason: AppealRejectionReason | null;
  decided_at: Date | null;
  second_appeal_closes_at: Date | null;
  claimed_by: string | null;
  claimed_at: Date | null;
}

const iso = (d: Date | null) => (d ? formatShanghai(new Date(d)) : null);

function toDto(row: AppealRow): AppealDto {
  return {
    appealId: row.appeal_id,
    merchantId: row.merchant_id,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    round: row.round,
    status: row.status,
    statement: row.statement,
    evidence: row.evidence,
    filedAt: iso(row.filed_at)!,
    windowClosesAt: iso(row.window_closes_at)!,
    rejectionReason: row.rejection_reason,
    decidedAt: iso(row.decided_at),
    secondAppealClosesAt: iso(row.second_appeal_closes_at),
    claimedBy: row.claimed_by ?? null,
    claimedAt: iso(row.claimed_at ?? null),
  };
}

/**
 * Section 5 for the decisions of one service: merchants file appeals inside the window (late ones are
 * refused at once), reviewers accept or reject with one of the source's reasons, one second appeal
 * follows a rejection. Each change, its appeal.updated.v1 event, the decision's revocation and the
 * audit entry commit together.
 */
@Injectable()
export class AppealDesk {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPEAL_SUBJECTS) private readonly subjects: AppealSubjects,
  ) {}

  serves(kind: AppealSubjectKind): boolean {
    return this.subjects.kinds.includes(kind);
  }

  async file(kind: AppealSubjectKind, subjectId: string, request: FileAppealRequest, actor: string): Promise<AppealDto> {
    const now = this.clock.now();
    // An unknown decision is answered without opening a transaction.
    const owner = await this.subjects.find(this.dataSource.manager, kind, subjectId);
    if (!owner) throw ProblemException.notFound('APPEAL.DECISION_NOT_FOUND', `No ${kind.toLowerCase().replace('_', ' ')} ${subjectId}.`);
    return this.runner.run(async ({ manager }) => {
      const decision = await this.subjects.find(manager, kind, subjectId);
      if (!decision) throw ProblemException.notFound('APPEAL.DECISION_NOT_FOUND', `No ${kind.toLowerCase().replace('_', ' ')} ${subjectId}.`);
      const previous: { round: number; status: AppealStatus; decided_at: Date | null; evidence: EvidenceDocumentRequest[] }[] = await manager.query(
        'SELECT round, status, decided_at, evidence FROM appeal WHERE subject_kind = $1 AND subject_id = $2 ORDER BY round',
        [kind, subjectId],
      );
      const { round, windowClosesAt } = decideAppealFiling({
        decidedAt: decision.decidedAt,
        now,
        previous: previous.map((p) => ({ round: p.round, status: p.status, decidedAt: p.decided_at ? new Date(p.decided_at) : null, evidence: p.evidence })),
        evidence: request.evidence,
        ruleSet: decision.ruleSet,
      });
      const [row]: AppealRow[] = await manager.query(
        `INSERT INTO appeal (appeal_id, merchant_id, subject_kind, subject_id, round, status, statement, evidence, filed_at, filed_by, window_closes_at)
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $9, $10) RETURNING *`,
        [randomUUID(), decision.merchantId, kind, subjectId, round, request.statement, JSON.stringify(request.evidence), now, actor, windowClosesAt],
      );
      await this.publish(manager, row, now);
      await recordAudit(manager, {
        actor, action: 'APPEAL.FILE', merchantId: decision.merchantId, subjectType: kind, subjectId, reason: request.statement,
        details: { appealId: row.appeal_id, round, evidence: request.evidence.length }, occurredAt: now,
      });
      return toDto(row);
    });
  }

  async decide(appealId: string, request: DecideAppealRequest, actor: string, expected: { kind: AppealSubjectKind; subjectId: string }, scope?: MarketplaceScope): Promise<AppealDto> {
    const now = this.clock.now();
    const [owner]: { merchant_id: string }[] = await this.dataSource.query('SELECT merchant_id FROM appeal WHERE appeal_id = $1', [appealId]);
    if (!owner) throw ProblemException.notFound('APPEAL.NOT_FOUND', `No appeal ${appealId}.`);
    return this.runner.run(async ({ manager }) => {
      const [appeal]: AppealRow[] = await manager.query('SELECT * FROM appeal WHERE appeal_id = $1 FOR UPDATE', [appealId]);
      if (!appeal || appeal.subject_kind !== expected.kind || appeal.subject_id !== expected.subjectId) throw ProblemException.notFound('APPEAL.NOT_FOUND', `No appeal ${appealId}.`);
      // One reviewer per appeal: an appeal another reviewer has claimed is theirs to decide.
      const holder = blockingClaim(appeal.claimed_by, actor, { kind: 'DECIDE' });
      if (holder) throw new ProblemException(409, 'APPEAL.CLAIMED_BY_ANOTHER', 'Claimed by another reviewer', `Appeal ${appealId} is claimed by ${holder}; they decide it, or release it first.`);
      const decision = await this.subjects.find(manager, appeal.subject_kind, appeal.subject_id);
      if (!decision) throw ProblemException.notFound('APPEAL.DECISION_NOT_FOUND', `The decision appealed by ${appealId} no longer exists.`);
      assertActsFor(scope, decision.marketplace, `Appeal ${appealId}`);
      const review = decideAppealReview({ status: appeal.status, decision: request.decision, rejectionReason: request.rejectionReason ?? null });
      const secondAppealClosesAt = review.status === 'REJECTED' && appeal.round === 1 ? secondAppealCloses(decision.decidedAt, now, decision.ruleSet) : null;
      // With the pg driver, TypeORM answers an UPDATE with [rows, affectedCount].
      const [[row]]: [AppealRow[], number] = await manager.query(
        `UPDATE appeal SET status = $2, rejection_reason = $3, review_note = $4, decided_at = $5, decided_by = $6, second_appeal_closes_at = $7, claimed_by = NULL, claimed_at = NULL
         WHERE appeal_id = $1 RETURNING *`,
        [appealId, review.status, review.rejectionReason, request.note ?? null, now, actor, secondAppealClosesAt],
      );
      if (review.status === 'ACCEPTED') await this.subjects.revoke(manager, appeal.subject_kind, appeal.subject_id, { appealId, now, actor });
      await this.publish(manager, row, now);
      await recordAudit(manager, {
        actor, action: `APPEAL.${review.status === 'ACCEPTED' ? 'ACCEPT' : 'REJECT'}`, merchantId: appeal.merchant_id, subjectType: appeal.subject_kind,
        subjectId: appeal.subject_id, reason: request.note ?? review.rejectionReason ?? 'accepted', details: { appealId, round: appeal.round, rejectionReason: review.rejectionReason }, occurredAt: now,
      });
      return toDto(row);
    });
  }

  /**
   * A reviewer claims a pending appeal (`assignee` absent) or assigns it to a colleague; an appeal
   * claimed by someone else is refused (409 APPEAL.CLAIMED_BY_ANOTHER) until they release it. Audited.
   */
  async claim(appealId: string, expected: { kind: AppealSubjectKind; subjectId: string }, actor: string, assignee?: string, scope?: MarketplaceScope): Promise<AppealDto> {
    return this.onPending(appealId, expected, actor, async (manager, appeal, now) => {
      // Only someone who may decide it claims it (or hands it on).
      if (scope !== undefined) {
        const decision = await this.subjects.find(manager, appeal.subject_kind, appeal.subject_id);
        if (decision) assertActsFor(scope, decision.marketplace, `Appeal ${appealId}`);
      }
      const holder = assignee ?? actor;
      const assigning = holder !== actor;
      const blocking = blockingClaim(appeal.claimed_by, actor, { kind: 'CLAIM', holder });
      if (blocking) throw new ProblemException(409, 'APPEAL.CLAIMED_BY_ANOTHER', 'Claimed by another reviewer', `Appeal ${appealId} is claimed by ${blocking}.`);
      const [[row]]: [AppealRow[], number] = await manager.query('UPDATE appeal SET claimed_by = $2, claimed_at = $3 WHERE appeal_id = $1 RETURNING *', [appealId, holder, now]);
      return { row, action: assigning ? 'APPEAL.ASSIGN' : 'APPEAL.CLAIM', reason: assigning ? `assigned to ${holder}` : 'claimed' };
    });
  }

  /** The holder releases a claim (anyone may release a claim of their own or one assigned to them). Audited. */
  async release(appealId: string, expected: { kind: AppealSubjectKind; subjectId: string }, actor: string): Promise<AppealDto> {
    return this.onPending(appealId, expected, actor, async (manager, appeal) => {
      const holder = blockingClaim(appeal.claimed_by, actor, { kind: 'RELEASE' });
      if (holder) throw new ProblemException(409, 'APPEAL.CLAIMED_BY_ANOTHER', 'Claimed by another reviewer', `Appeal ${appealId} is claimed by ${holder}; only they release it.`);
      const [[row]]: [AppealRow[], number] = await manager.query('UPDATE appeal SET claimed_by = NULL, claimed_at = NULL WHERE appeal_id = $1 RETURNING *', [appealId]);
      return { row, action: 'APPEAL.RELEASE', reason: 'released' };
    });
  }

  /** A case note on an appeal, kept in the audit trail (any state). */
  async note(appealId: string, expected: { kind: AppealSubjectKind; subjectId: string }, text: string, actor: string): Promise<void> {
    const now = this.clock.now();
    await this.runner.run(async ({ manager }) => {
      const [appeal]: AppealRow[] = await manager.query('SELECT * FROM appeal WHERE appeal_id = $1', [appealId]);
      if (!appeal || appeal.subject_kind !== expected.kind || appeal.subject_id !== expected.subjectId) throw ProblemException.notFound('APPEAL.NOT_FOUND', `No appeal ${appealId}.`);
      await recordAudit(manager, { actor, action: 'APPEAL.NOTE', merchantId: appeal.merchant_id, subjectType: appeal.subject_kind, subjectId: appeal.subject_id, reason: text, details: { appealId }, occurredAt: now });
    });
  }

  /** A change of a pending appeal's claim, its appeal.updated.v1 and its audit entry, in one transaction. */
  private async onPending(
    appealId: string,
    expected: { kind: AppealSubjectKind; subjectId: string },
    actor: string,
    change: (manager: EntityManager, appeal: AppealRow, now: Date) => Promise<{ row: AppealRow; action: string; reason: string }>,
  ): Promise<AppealDto> {
    const now = this.clock.now();
    return this.runner.run(async ({ manager }) => {
      const [appeal]: AppealRow[] = await manager.query('SELECT * FROM appeal WHERE appeal_id = $1 FOR UPDATE', [appealId]);
      if (!appeal || appeal.subject_kind !== expected.kind || appeal.subject_id !== expected.subjectId) throw ProblemException.notFound('APPEAL.NOT_FOUND', `No appeal ${appealId}.`);
      if (appeal.status !== 'PENDING') throw new ProblemException(409, 'APPEAL.NOT_PENDING', 'Already decided', `Appeal ${appealId} is ${appeal.status}.`);
      const { row, action, reason } = await change(manager, appeal, now);
      await this.publish(manager, row, now);
      await recordAudit(manager, { actor, action, merchantId: appeal.merchant_id, subjectType: appeal.subject_kind, subjectId: appeal.subject_id, reason, details: { appealId, claimedBy: row.claimed_by }, occurredAt: now });
      return toDto(row);
    });
  }

  async listForMerchant(merchantId: string): Promise<AppealDto[]> {
    const rows: AppealRow[] = await this.dataSource.query('SELECT * FROM appeal WHERE merchant_id = $1 ORDER BY filed_at DESC, appeal_id', [merchantId]);
    return rows.filter((r) => this.serves(r.subject_kind)).map(toDto);
  }

  private async publish(manager: EntityManager, row: AppealRow, now: Date): Promise<void> {
    const data: AppealUpdatedV1 = {
      appealId: row.appeal_id,
      merchantId: row.merchant_id,
      subject: { kind: row.subject_kind, id: row.subject_id },
      round: row.round,
      status: row.status,
      rejectionReason: row.rejection_reason,
      evidence: row.evidence,
      filedAt: iso(row.filed_at)!,
      decidedAt: iso(row.decided_at),
      secondAppealClosesAt: iso(row.second_appeal_closes_at),
      claim: row.claimed_by ? { by: row.claimed_by, at: iso(row.claimed_at)! } : null,
    };
    appendEventToOutbox(manager, Topics.RemediesUpdatedV1, buildCloudEvent({ type: EventTypes.AppealUpdatedV1, source: this.subjects.source, subject: row.merchant_id, data, time: now }));
  }
}
