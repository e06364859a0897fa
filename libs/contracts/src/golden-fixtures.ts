import violationDetectedV1 from './violations-detected/v1/fixtures/violation-detected.v1.json';
import merchantProfileUpdatedV1 from './merchants-profiles/v1/fixtures/merchant-profile-updated.v1.json';
import penaltyAssessedV1 from './penalties-assessed/v1/fixtures/penalty-assessed.v1.json';
import penaltyAdjustedV1 from './penalties-assessed/v1/fixtures/penalty-adjusted.v1.json';
import sanctionImposedV1 from './sanctions-decided/v1/fixtures/sanction-imposed.v1.json';
import sanctionLiftedV1 from './sanctions-decided/v1/fixtures/sanction-lifted.v1.json';
import notificationSentV1 from './notifications-sent/v1/fixtures/notification-sent.v1.json';
import appealUpdatedV1 from './remedies-updated/v1/fixtures/appeal-updated.v1.json';
import examChanceUpdatedV1 from './remedies-updated/v1/fixtures/exam-chance-updated.v1.json';
import depositUpdatedV1 from './remedies-updated/v1/fixtures/deposit-updated.v1.json';
import forgeryCaseUpdatedV1 from './remedies-updated/v1/fixtures/forgery-case-updated.v1.json';
import rulebookVersionUpdatedV1 from './rules-versions/v1/fixtures/rulebook-version-updated.v1.json';
import { EventTypes, type EventType } from './topics';

// One valid CloudEvent per type, exactly as it travels (JSON value of the Kafka message).
// They are the AsyncAPI examples and the start of every contract test.
const GOLDEN_FIXTURES: Record<EventType, object> = {
  [EventTypes.ViolationDetectedV1]: violationDetectedV1,
  [EventTypes.MerchantProfileUpdatedV1]: merchantProfileUpdatedV1,
  [EventTypes.PenaltyAssessedV1]: penaltyAssessedV1,
  [EventTypes.PenaltyAdjustedV1]: penaltyAdjustedV1,
  [EventTypes.SanctionImposedV1]: sanctionImposedV1,
  [EventTypes.SanctionLiftedV1]: sanctionLiftedV1,
  [EventTypes.NotificationSentV1]: notificationSentV1,
  [EventTypes.AppealUpdatedV1]: appealUpdatedV1,
  [EventTypes.ExamChanceUpdatedV1]: examChanceUpdatedV1,
  [EventTypes.DepositUpdatedV1]: depositUpdatedV1,
  [EventTypes.ForgeryCaseUpdatedV1]: forgeryCaseUpdatedV1,
  [EventTypes.RulebookVersionUpdatedV1]: rulebookVersionUpdatedV1,
};

/** A fresh copy of the golden CloudEvent of a type, safe to modify (loosely typed on purpose: tests break it). */
export function goldenFixture(type: EventType): Record<string, any> {
  return structuredClone(GOLDEN_FIXTURES[type]) as Record<string, any>;
}
