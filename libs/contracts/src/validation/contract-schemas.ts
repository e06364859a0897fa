// The published JSON Schemas (libs/contracts/generated/schemas, written by tools/contracts from
// the payload classes), one per CloudEvent type: what parseCloudEvent compiles its validators from.
import violationDetectedV1 from '../../generated/schemas/violation.detected.v1.schema.json';
import merchantProfileUpdatedV1 from '../../generated/schemas/merchant.profile.updated.v1.schema.json';
import penaltyAssessedV1 from '../../generated/schemas/penalty.assessed.v1.schema.json';
import penaltyAdjustedV1 from '../../generated/schemas/penalty.adjusted.v1.schema.json';
import sanctionImposedV1 from '../../generated/schemas/sanction.imposed.v1.schema.json';
import sanctionLiftedV1 from '../../generated/schemas/sanction.lifted.v1.schema.json';
import notificationSentV1 from '../../generated/schemas/notification.sent.v1.schema.json';
import appealUpdatedV1 from '../../generated/schemas/appeal.updated.v1.schema.json';
import examChanceUpdatedV1 from '../../generated/schemas/exam-chance.updated.v1.schema.json';
import depositUpdatedV1 from '../../generated/schemas/deposit.updated.v1.schema.json';
import forgeryCaseUpdatedV1 from '../../generated/schemas/forgery-case.updated.v1.schema.json';
import rulebookVersionUpdatedV1 from '../../generated/schemas/rulebook-version.updated.v1.schema.json';
import { EventTypes, type EventType } from '../topics';

export type JsonSchema = { [keyword: string]: unknown };

export const CONTRACT_SCHEMAS: Record<EventType, JsonSchema> = {
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
