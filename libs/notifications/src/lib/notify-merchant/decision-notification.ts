import type { CloudEvent, PenaltyAssessedV1, SanctionImposedV1, SanctionLiftedV1 } from '@penalty/contracts';
import { EventTypes } from '@penalty/contracts';
import { channelsFor, formatFen, LOCALES, renderTemplate, type Locale, type MerchantContact, type NotificationChannel } from '@penalty/domain';

export const DECISION_EVENT_TYPES = [
  EventTypes.PenaltyAssessedV1,
  EventTypes.PenaltyAdjustedV1,
  EventTypes.SanctionImposedV1,
  EventTypes.SanctionLiftedV1,
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
  const { key, title, body } = renderTemplate(event.type, locale, templateParams(event.type, event.data, locale));
  const channels = channelsFor(contact).filter((channel) => deliverable.includes(channel));
  return { template: key, title, body, channels };
}

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
  }
}
