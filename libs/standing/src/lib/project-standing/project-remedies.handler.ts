import { Injectable } from '@nestjs/common';
import { EventTypes, type AppealUpdatedV1, type CloudEvent, type DepositUpdatedV1, type ExamChanceUpdatedV1, type ForgeryCaseUpdatedV1 } from '@penalty/contracts';
import type { BatchHandler } from '@penalty/messaging';
import { StandingRemediesRepository, type AppealRow, type DepositRow, type ExamChanceRow, type ExamOfferRow, type ForgeryCaseRow } from '../standing-remedies.repository';
import { compositeKey, foldByKey, lastByKey } from './fold-by-key';

/**
 * remedies.updated.v1 → the merchant's remedies. Each event carries a remedy's whole state and one
 * merchant's events arrive in order, so the latest of the batch overwrites every column, except the
 * exam offer, which a later change does not repeat (it stands until it closes); every offer is also
 * kept on its own. At most one statement per table and batch.
 */
@Injectable()
export class ProjectRemediesHandler {
  constructor(private readonly remedies: StandingRemediesRepository) {}

  readonly handle: BatchHandler = async ({ tx, events }) => {
    const deposits: DepositRow[] = [];
    const chances: ExamChanceRow[] = [];
    const offers: ExamOfferRow[] = [];
    const cases: ForgeryCaseRow[] = [];
    const appeals: AppealRow[] = [];
    for (const { event } of events) {
      switch (event.type) {
        case EventTypes.DepositUpdatedV1: {
          const d = (event as CloudEvent<DepositUpdatedV1>).data;
          deposits.push({ merchantId: d.merchantId, requiredFen: d.requiredFen ?? null, balanceFen: d.balanceFen, shortfallFen: d.shortfallFen, topUpDueAt: d.topUpDueAt ?? null, updatedAt: event.time });
          break;
        }
        case EventTypes.ExamChanceUpdatedV1: {
          const c = (event as CloudEvent<ExamChanceUpdatedV1>).data;
          chances.push({
            chanceId: c.chanceId, merchantId: c.merchantId, naturalYear: c.naturalYear, status: c.status, expiresAt: c.expiresAt, violationId: c.violationId ?? null,
            offerViolationId: c.offer?.violationId ?? null, offerChoiceClosesAt: c.offer?.choiceClosesAt ?? null, reason: c.reason ?? null, updatedAt: event.time,
          });
          if (c.offer) offers.push({ chanceId: c.chanceId, violationId: c.offer.violationId, merchantId: c.merchantId, offeredAt: event.time, choiceClosesAt: c.offer.choiceClosesAt });
          break;
        }
        case EventTypes.ForgeryCaseUpdatedV1: {
          const f = (event as CloudEvent<ForgeryCaseUpdatedV1>).data;
          cases.push({
            caseId: f.caseId, merchantId: f.merchantId, violationId: f.violationId, caseNumber: f.caseNumber, severity: f.severity, ruleVersion: f.ruleVersion, status: f.status,
            openedAt: f.openedAt, remediationClosesAt: f.remediationClosesAt ?? null, sanctionIds: JSON.stringify(f.sanctionIds), updatedAt: event.time,
            documents: JSON.stringify(f.documents ?? []), claimedBy: f.claim?.by ?? null, claimedAt: f.claim?.at ?? null,
          });
          break;
        }
        case EventTypes.AppealUpdatedV1: {
          const a = (event as CloudEvent<AppealUpdatedV1>).data;
          appeals.push({
            appealId: a.appealId, merchantId: a.merchantId, subjectKind: a.subject.kind, subjectId: a.subject.id, round: a.round, status: a.status, rejectionReason: a.rejectionReason ?? null,
            evidence: JSON.stringify(a.evidence), filedAt: a.filedAt, decidedAt: a.decidedAt ?? null, secondAppealClosesAt: a.secondAppealClosesAt ?? null, updatedAt: event.time,
            claimedBy: a.claim?.by ?? null, claimedAt: a.claim?.at ?? null,
          });
          break;
        }
      }
    }
    await this.remedies.upsertDeposits(tx, lastByKey(deposits, (d) => d.merchantId));
    await this.remedies.upsertExamChances(
      tx,
      // Every column of the latest event, and the latest offer any event of the batch made (the table keeps the known one when none did).
      foldByKey(chances, (c) => c.chanceId, (c) => c, (folded, c) => ({ ...c, offerViolationId: c.offerViolationId ?? folded.offerViolationId, offerChoiceClosesAt: c.offerChoiceClosesAt ?? folded.offerChoiceClosesAt })),
    );
    // An offer made again keeps when and for whom it was first made, and closes when the latest says.
    await this.remedies.upsertExamOffers(tx, foldByKey(offers, (o) => compositeKey(o.chanceId, o.violationId), (o) => o, (folded, o) => ({ ...folded, choiceClosesAt: o.choiceClosesAt })));
    await this.remedies.upsertForgeryCases(tx, lastByKey(cases, (c) => c.caseId));
    await this.remedies.upsertAppeals(tx, lastByKey(appeals, (a) => a.appealId));
  };
}
