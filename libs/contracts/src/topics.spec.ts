import {
  EventRegistry,
  EventTypes,
  INBOUND_TOPICS,
  Topics,
  deadLetterTopicOf,
  eventTypesOn,
  isEventType,
} from './index';

describe('topics', () => {
  it('names the dead-letter topic of a topic', () => {
    expect(deadLetterTopicOf(Topics.ViolationsDetectedV1)).toBe('violations.detected.v1.dlq');
  });

  it('registers every CloudEvent type on a topic of the contract', () => {
    const topics = Object.values(Topics) as string[];
    for (const type of Object.values(EventTypes)) {
      expect(topics).toContain(EventRegistry[type].topic);
    }
    expect(eventTypesOn(Topics.PenaltiesAssessedV1)).toEqual(['penalty.assessed.v1', 'penalty.adjusted.v1']);
    expect(eventTypesOn(Topics.SanctionsDecidedV1)).toEqual(['sanction.imposed.v1', 'sanction.lifted.v1']);
    expect(eventTypesOn(Topics.RemediesUpdatedV1)).toEqual(['appeal.updated.v1', 'exam-chance.updated.v1', 'deposit.updated.v1', 'forgery-case.updated.v1']);
  });

  it('consumes the violation and profile topics', () => {
    expect(INBOUND_TOPICS).toEqual(['violations.detected.v1', 'merchants.profiles.v1']);
  });

  it('knows registered types only', () => {
    expect(isEventType('violation.detected.v1')).toBe(true);
    expect(isEventType('violation.detected.v2')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});
