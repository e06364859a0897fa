import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventTypes, Topics, type ViolationDetectedV1 } from '@penalty/contracts';
import { openForgeryCases, RuleBook, type Clock } from '@penalty/domain';
import { ALWAYS_CURRENT, rejectionOf, RulebookFeed, type InboxBatch, type RulebookAwareness } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { forgeryCaseUpdated } from '../forgery-case.dto';
import { ForgeryCaseRepository, type ForgeryCaseRow } from '../forgery-case.repository';
import { SanctionBooks } from '../sanction-book';

export const FORGERY_REMEDIATION_DUE_TASK = 'FORGERY_REMEDIATION_DUE';

/**
 * violations.detected.v1 over a whole batch, QUALIFICATION_FORGERY only (section 4): each forgery
 * opens the merchant's next case under the rule version in force at its occurredAt (openForgeryCases).
 * A clear-out (2019 rule, severe, third case) terminates at once and forfeits the deposit; otherwise a
 * remediation window opens, closed by a scheduled task. One statement reads the merchants' cases,
 * one opens the batch's cases; a violationId seen before opens nothing.
 */
@Injectable()
export class OpenForgeryCasesHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    private readonly cases: ForgeryCaseRepository,
    private readonly books: SanctionBooks,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness = ALWAYS_CURRENT,
  ) {}

  async handle({ tx, events }: InboxBatch): Promise<void> {
    const forgeries = events.filter((e) => (e.event.data as ViolationDetectedV1).code === 'QUALIFICATION_FORGERY');
    if (forgeries.length === 0) return;
    // Judge nothing before the versions on rules.versions.v1 at start are known.
    await this.rulebooks.current();
    const now = this.clock.now();
    const detected = forgeries.map((inbound) => {
      const v = inbound.event.data as ViolationDetectedV1;
      return { inbound, merchantId: v.merchantId, violationId: v.violationId, severity: v.severity, occurredAt: new Date(v.occurredAt), marketplace: v.marketplace ?? this.rules.defaultMarketplace };
    });
    const known = await this.cases.known(tx, detected.map((d) => d.merchantId), detected.map((d) => d.violationId));
    const openings = openForgeryCases(detected, known, { openedAt: now, ruleSetAt: (at, violation) => this.rules.at(at, violation.marketplace) });

    const book = this.books.open(tx, now);
    const clearedOut = openings.flatMap((o) => (o.kind === 'OPENED' && o.opening.outcome === 'CLEAR_OUT' ? [o.violation.merchantId] : []));
    await book.load({ merchants: clearedOut });
    const opened: ForgeryCaseRow[] = [];
    for (const o of openings) {
      if (o.kind !== 'OPENED') continue;
      const { violation, opening, ruleSet, caseNumber } = o;
      const row: ForgeryCaseRow = {
        case_id: randomUUID(),
        merchant_id: violation.merchantId,
        violation_id: violation.violationId,
        case_number: caseNumber,
        severity: violation.severity,
        rule_version: ruleSet.version,
        marketplace: violation.marketplace,
        status: opening.outcome === 'CLEAR_OUT' ? 'CLEARED_OUT' : 'OPEN',
        opened_at: now,
        remediation_closes_at: opening.outcome === 'REMEDIATION_WINDOW' ? opening.remediationClosesAt : null,
        documents: [],
        sanction_ids: [],
        claimed_by: null,
        claimed_at: null,
      };
      try {
        if (opening.outcome === 'CLEAR_OUT') {
          const sanctionId = book.impose({
            merchantId: row.merchant_id,
            cause: { kind: 'FORGERY', violationIds: [row.violation_id], caseId: row.case_id },
            measures: opening.measures.map((type) => ({ type, startsAt: now, endsAt: null })),
            fine: 'FORFEITURE',
            ruleSet,
          });
          row.sanction_ids = [sanctionId];
        } else {
          book.schedule({ kind: FORGERY_REMEDIATION_DUE_TASK, key: row.case_id, group: row.case_id, merchantId: row.merchant_id, dueAt: opening.remediationClosesAt });
        }
      } catch (error) {
        throw rejectionOf(violation.inbound, error);
      }
      book.publish(Topics.RemediesUpdatedV1, EventTypes.ForgeryCaseUpdatedV1, row.merchant_id, forgeryCaseUpdated(row));
      opened.push(row);
    }
    await this.cases.open(tx, opened, now);
    await book.flush();
  }
}
