import { randomUUID } from 'node:crypto';
import {
  EventRegistry,
  EventTypes,
  buildCloudEvent,
  goldenFixture,
  isRfc3339DateTime,
  parseCloudEvent,
  type EventType,
} from './index';

describe('buildCloudEvent', () => {
  it('fills the envelope: specversion, a UUID id, the current time, JSON content type', () => {
    const before = Date.now();
    const event = buildCloudEvent({
      type: EventTypes.ViolationDetectedV1,
      source: 'listing-audit',
      subject: 'm-10001',
      data: goldenFixture(EventTypes.ViolationDetectedV1).data,
    });
    expect(event.specversion).toBe('1.0');
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isRfc3339DateTime(event.time)).toBe(true);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(event.datacontenttype).toBe('application/json');
  });

  it('keeps a given id and time', () => {
    const id = randomUUID();
    const event = buildCloudEvent({
      type: EventTypes.NotificationSentV1,
      source: 'penalty-notifications',
      subject: 'm-1',
      data: {},
      id,
      time: new Date('2023-06-25T02:00:00Z'),
    });
    expect(event.id).toBe(id);
    expect(event.time).toBe('2023-06-25T02:00:00.000Z');
  });

  it.each(Object.keys(EventRegistry) as EventType[])('round-trips %s through parseCloudEvent', (type) => {
    const golden = goldenFixture(type);
    const built = buildCloudEvent({ type, source: golden.source, subject: golden.subject, data: golden.data });
    const result = parseCloudEvent(Buffer.from(JSON.stringify(built)), { expectedTypes: [type] });
    if (!result.ok) throw new Error(result.message);
    expect(result.event.id).toBe(built.id);
    expect(result.event.time).toBe(built.time);
    expect(JSON.parse(JSON.stringify(result.event))).toEqual(JSON.parse(JSON.stringify(built)));
  });
});
