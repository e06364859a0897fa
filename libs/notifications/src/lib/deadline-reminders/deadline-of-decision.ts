import { EventTypes, type CloudEvent, type PenaltyAssessedV1, type SanctionImposedV1 } from '@penalty/contracts';
import { addNaturalDays, ruleSetAt, ruleSetOfVersion } from '@penalty/domain';

/** A deadline the merchant must be reminded of (rulebook section 8). */
export interface Deadline {
  kind: 'APPEAL_WINDOW' | 'EXAM_CHOICE' | 'DEPOSIT_TOP_UP' | 'FORGERY_REMEDIATION';
  closesAt: Date;
  /** What it is about, as the merchant knows it, e.g. the sanction or violation id. */
  reference: string;
  referenceKind: 'SANCTION' | 'VIOLATION';
}

/** Reminders go out a week and a day before a deadline (section 8). */
export const REMINDER_LEAD_DAYS = [7, 1] as const;

/**
 * The appeal window a decision opens: a sanction states its deadline; a penalty that counts points
 * can be appealed for the rule version's window from the decision.
 */
export function deadlineOfDecision(event: CloudEvent<object>): Deadline | null {
  if (event.type === EventTypes.SanctionImposedV1) {
    const sanction = event.data as SanctionImposedV1;
    return { kind: 'APPEAL_WINDOW', closesAt: new Date(sanction.appealDeadline), reference: sanction.sanctionId, referenceKind: 'SANCTION' };
  }
  if (event.type === EventTypes.PenaltyAssessedV1) {
    const penalty = event.data as PenaltyAssessedV1;
    if (penalty.points === 0) return null;
    const decidedAt = new Date(event.time);
    const ruleSet = ruleSetOfVersion(penalty.ruleVersion) ?? ruleSetAt(decidedAt);
    return { kind: 'APPEAL_WINDOW', closesAt: addNaturalDays(decidedAt, ruleSet.appealWindowDays), reference: penalty.violationId, referenceKind: 'VIOLATION' };
  }
  return null;
}

/** The reminder instants of a deadline that are still ahead of `now`. */
export function reminderInstants(deadline: Deadline, now: Date): { leadDays: number; at: Date }[] {
  return REMINDER_LEAD_DAYS.map((leadDays) => ({ leadDays, at: addNaturalDays(deadline.closesAt, -leadDays) })).filter((r) => r.at.getTime() > now.getTime());
}
