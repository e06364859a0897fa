import type {
  AppealUpdatedV1, CloudEvent, DepositUpdatedV1, ExamChanceUpdatedV1, ForgeryCaseUpdatedV1, PenaltyAssessedV1, SanctionImposedV1, SanctionLiftedV1,
} from '@penalty/contracts';
import { EventTypes } from '@penalty/contracts';
import {
  APPEAL_SUBJECT_LABELS, channelsFor, fillPhrase, formatFen, LOCALES, REMEDY_PHRASES, renderTemplate, type Locale, type MerchantContact, type NotificationChannel,
} from '@penalty/domain';

export const DECISION_EVENT_TYPES = [
  EventTypes.PenaltyAssessedV1,
  EventTypes.PenaltyAdjustedV1,
  EventTypes.SanctionImposedV1,
  EventTypes.SanctionLiftedV1,
  EventTypes.AppealUpdatedV1,
  EventTypes.ExamChanceUpdatedV1,
  EventTypes.DepositUpdatedV1,
  EventTypes.ForgeryCaseUpdatedV1,
] as const;
export type DecisionEventType = (typeof DECISION_EVENT_TYPES)[number];

export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** What the merchant is told about one decision, and where. */
export interface DecisionNotification {
  template: string;
  title: string;
  body: string;
  channels: NotificationChannel[];
}

/** The stored contact of a merchant (null before the first profile event). */
export interface ContactDetails extends MerchantContact {
  locale?: string | null;
}

type Params = Record<string, string | number | null | undefined>;

const NONE: Record<Locale, string> = { 'zh-CN': '无', en: 'none' };
const UNTIL: Record<Locale, string> = { 'zh-CN': '至', en: 'until' };

export function isDecisionEvent(type: string): type is DecisionEventType {
  return (DECISION_EVENT_TYPES as readonly string[]).includes(type);
}

export function localeOf(contact: ContactDetails | null): Locale {
  return (LOCALES as readonly string[]).includes(contact?.locale ?? '') ? (contact!.locale as Locale) : DEFAULT_LOCALE;
}

/** Renders the decision in the merchant's locale and picks the channels: the inbox always, plus those the contact allows and the service can deliver. */
export function planDecisionNotification(event: CloudEvent<object>, contact: ContactDetails | null, deliverable: readonly NotificationChannel[]): DecisionNotification {
  if (!isDecisionEvent(event.type)) throw new Error(`${event.type} is not a decision the merchant is told about`);
  const locale = localeOf(contact);
  const { key, title, body } = renderTemplate(templateOf(event.type, event.data), locale, templateParams(event.type, event.data, locale));
  const channels = channelsFor(contact).filter((channel) => deliverable.includes(channel));
  return { template: key, title, body, channels };
}

/** The template of an event: one per decision type, and per state for the remedies. */
export function templateOf(type: DecisionEventType, data: object): string {
  switch (type) {
    case EventTypes.AppealUpdatedV1:
      return `${type}:${(data as AppealUpdatedV1).status}`;
    case EventTypes.ExamChanceUpdatedV1: {
      const chance = data as ExamChanceUpdatedV1;
      return `${type}:${chance.offer && chance.status === 'GRANTED' ? 'OFFER' : chance.status}`;
    }
    case EventTypes.DepositUpdatedV1: {
      const deposit = data as DepositUpdatedV1;
      return `${type}:${deposit.change.kind === 'TOP_UP_OVERDUE' ? 'OVERDUE' : deposit.shortfallFen > 0 && deposit.topUpDueAt ? 'SHORT' : 'OK'}`;
    }
    case EventTypes.ForgeryCaseUpdatedV1:
      return `${type}:${(data as ForgeryCaseUpdatedV1).status}`;
    default:
      return type;
  }
}

const money = (fen: number | null, locale: Locale) => (fen === null ? NONE[locale] : formatFen(fen));

function templateParams(type: DecisionEventType, data: object, locale: Locale): Params {
  switch (type) {
    case EventTypes.PenaltyAssessedV1:
    case EventTypes.PenaltyAdjustedV1: {
      const penalty = data as PenaltyAssessedV1;
      return {
        violationId: penalty.violationId,
        track: penalty.track,
        points: penalty.points,
        waiver: penalty.waiver ?? NONE[locale],
        naturalYear: penalty.naturalYear,
        general: penalty.totals.general,
        serious: penalty.totals.serious,
      };
    }
    case EventTypes.SanctionImposedV1: {
      const sanction = data as SanctionImposedV1;
      return {
        sanctionId: sanction.sanctionId,
        measures: sanction.measures.map((m) => (m.endsAt ? `${m.type} ${UNTIL[locale]} ${m.endsAt}` : m.type)).join(', ') || NONE[locale],
        fine: sanction.fine ? formatFen(sanction.fine.amountFen) : NONE[locale],
        appealDeadline: sanction.appealDeadline,
      };
    }
    case EventTypes.SanctionLiftedV1: {
      const lifted = data as SanctionLiftedV1;
      return { sanctionId: lifted.sanctionId, measures: lifted.measureTypes.join(', ') || NONE[locale], reason: lifted.reason, liftedAt: lifted.liftedAt };
    }
    case EventTypes.AppealUpdatedV1: {
      const appeal = data as AppealUpdatedV1;
      const second = appeal.secondAppealClosesAt
        ? fillPhrase(REMEDY_PHRASES.secondAppeal[locale], { deadline: appeal.secondAppealClosesAt })
        : REMEDY_PHRASES.noMoreAppeal[locale];
      return {
        subject: `${APPEAL_SUBJECT_LABELS[appeal.subject.kind][locale]} ${appeal.subject.id}`,
        round: appeal.round,
        rejectionReason: appeal.rejectionReason ?? NONE[locale],
        secondAppeal: appeal.status === 'REJECTED' ? second : '',
      };
    }
    case EventTypes.ExamChanceUpdatedV1: {
      const chance = data as ExamChanceUpdatedV1;
      return {
        naturalYear: chance.naturalYear,
        expiresAt: chance.expiresAt,
        violationId: chance.offer?.violationId ?? chance.violationId ?? NONE[locale],
        choiceClosesAt: chance.offer?.choiceClosesAt ?? NONE[locale],
        reason: chance.reason ?? NONE[locale],
      };
    }
    case EventTypes.DepositUpdatedV1: {
      const deposit = data as DepositUpdatedV1;
      return {
        change: fillPhrase(REMEDY_PHRASES[deposit.change.kind][locale], { amount: formatFen(Math.abs(deposit.change.amountFen)) }),
        balance: formatFen(deposit.balanceFen),
        required: money(deposit.requiredFen, locale),
        shortfall: formatFen(deposit.shortfallFen),
        topUpDueAt: deposit.topUpDueAt ?? NONE[locale],
      };
    }
    case EventTypes.ForgeryCaseUpdatedV1: {
      const forgery = data as ForgeryCaseUpdatedV1;
      return { caseId: forgery.caseId, violationId: forgery.violationId, caseNumber: forgery.caseNumber, remediationClosesAt: forgery.remediationClosesAt ?? NONE[locale] };
    }
  }
}
