import { EventRegistry, goldenFixture, type EventType } from '@penalty/contracts';
import { DECISION_EVENT_TYPES, DECISION_TOPICS, decodeDecisionEvent, DecisionTopics, isDecisionEventOf } from '../../index';

describe('decision event decoding', () => {
  it('knows every type the platform publishes, and only those, with their topics', () => {
    const outbound = (Object.keys(EventRegistry) as EventType[]).filter((t) => !['violation.detected.v1', 'merchant.profile.updated.v1'].includes(t));
    expect([...DECISION_EVENT_TYPES].sort()).toEqual(outbound.sort());
    expect([...DECISION_TOPICS].sort()).toEqual(['notifications.sent.v1', 'penalties.assessed.v1', 'remedies.updated.v1', 'sanctions.decided.v1']);
  });

  it.each(DECISION_EVENT_TYPES)('decodes the golden %s from bytes, on its own topic', (type) => {
    const fixture = goldenFixture(type);
    const decoded = decodeDecisionEvent(Buffer.from(JSON.stringify({ ...fixture, unknownAttribute: 1 })), { topic: EventRegistry[type].topic as never });
    expect(decoded.ok && decoded.event.type).toBe(type);
    expect(decoded.ok && decoded.event.data).toEqual(fixture.data);
  });

  it('narrows by type', () => {
    const decoded = decodeDecisionEvent(JSON.stringify(goldenFixture('sanction.lifted.v1')));
    if (!decoded.ok) throw decoded.error;
    expect(isDecisionEventOf(decoded.event, 'sanction.lifted.v1') && decoded.event.data.reason).toBe(goldenFixture('sanction.lifted.v1').data.reason);
  });

  it('refuses a type of another topic, an inbound type and an invalid event, with field paths', () => {
    const onSanctions = decodeDecisionEvent(JSON.stringify(goldenFixture('penalty.assessed.v1')), { topic: DecisionTopics.SanctionsDecidedV1 });
    expect(!onSanctions.ok && onSanctions.error.reason).toBe('UNKNOWN_TYPE');
    const inbound = decodeDecisionEvent(JSON.stringify(goldenFixture('violation.detected.v1')));
    expect(!inbound.ok && inbound.error.reason).toBe('UNKNOWN_TYPE');
    const bad = goldenFixture('penalty.assessed.v1');
    bad.data.points = -1;
    const invalid = decodeDecisionEvent(JSON.stringify(bad));
    expect(!invalid.ok && invalid.error.fields).toEqual(['data.points']);
    expect(decodeDecisionEvent(null).ok).toBe(false);
    expect(decodeDecisionEvent('not json').ok).toBe(false);
  });
});
