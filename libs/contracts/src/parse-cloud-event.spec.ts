import {
  EventTypes,
  ViolationDetectedV1,
  goldenFixture,
  isCloudEventOf,
  parseCloudEvent,
  type EventType,
  type ParseResult,
} from './index';

const ALL_TYPES = Object.values(EventTypes);
const violation = () => goldenFixture(EventTypes.ViolationDetectedV1);
const sha256 = 'a'.repeat(64);

function failed(result: ParseResult) {
  if (result.ok) throw new Error('expected the parse to fail');
  return result;
}

function expectFailure(raw: unknown, reason: string, field: string) {
  const result = failed(parseCloudEvent(raw));
  expect(result.reason).toBe(reason);
  expect(result.violations.map((v) => v.field)).toContain(field);
  expect(result.message).not.toHaveLength(0);
  return result;
}

describe('parseCloudEvent', () => {
  describe('golden fixtures', () => {
    it.each(ALL_TYPES)('%s parses from bytes, text and a parsed value', (type: EventType) => {
      const fixture = goldenFixture(type);
      const text = JSON.stringify(fixture);
      for (const raw of [Buffer.from(text, 'utf8'), text, fixture]) {
        const result = parseCloudEvent(raw, { expectedTypes: [type] });
        if (!result.ok) throw new Error(result.message);
        expect(result.event.type).toBe(type);
        expect(JSON.parse(JSON.stringify(result.event))).toEqual(fixture);
      }
    });

    it('gives typed, validated class instances', () => {
      const result = parseCloudEvent(violation(), { expectedTypes: [EventTypes.ViolationDetectedV1] });
      if (!result.ok) throw new Error(result.message);
      const data: ViolationDetectedV1 = result.event.data;
      expect(data).toBeInstanceOf(ViolationDetectedV1);
      expect(data.evidence?.[0].sha256).toHaveLength(64);
    });

    it('narrows an event of any type with isCloudEventOf', () => {
      const result = parseCloudEvent(goldenFixture(EventTypes.SanctionLiftedV1));
      if (!result.ok) throw new Error(result.message);
      expect(isCloudEventOf(result.event, EventTypes.SanctionLiftedV1)).toBe(true);
      if (isCloudEventOf(result.event, EventTypes.SanctionLiftedV1)) {
        expect(result.event.data.reason).toBe('EXPIRED');
      }
      expect(isCloudEventOf(result.event, EventTypes.SanctionImposedV1)).toBe(false);
    });
  });

  describe('forward compatibility and defaults', () => {
    it('ignores unknown fields in the envelope, data and nested objects, and strips them', () => {
      const raw = violation();
      raw.partitionhint = 7;
      raw.data.priority = 'HIGH';
      raw.data.evidence[0].capturedBy = 'crawler-7';
      const result = parseCloudEvent(raw);
      if (!result.ok) throw new Error(result.message);
      expect(result.event).not.toHaveProperty('partitionhint');
      expect(result.event.data).not.toHaveProperty('priority');
      expect((result.event.data as ViolationDetectedV1).evidence?.[0]).not.toHaveProperty('capturedBy');
    });

    it('keeps the distributed-tracing extension (traceparent, tracestate) so consumers continue the trace', () => {
      const raw = violation();
      raw.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      raw.tracestate = 'vendor=abc';
      const result = parseCloudEvent(raw);
      if (!result.ok) throw new Error(result.message);
      expect(result.event.traceparent).toBe(raw.traceparent);
      expect(result.event.tracestate).toBe('vendor=abc');
    });

    it.each([
      ['not W3C', 'trace-me'],
      ['a zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
      ['upper case', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
      ['not a string', 42],
    ])('drops a malformed traceparent (%s) with its tracestate, and still accepts the event', (_, traceparent) => {
      const raw = violation();
      raw.traceparent = traceparent;
      raw.tracestate = 'vendor=abc';
      const result = parseCloudEvent(raw);
      if (!result.ok) throw new Error(result.message);
      expect(result.event).not.toHaveProperty('traceparent');
      expect(result.event).not.toHaveProperty('tracestate');
    });

    it.each([
      ['absent', undefined],
      ['null', null],
    ])('defaults itemAction to NONE when %s', (_, itemAction) => {
      const raw = violation();
      if (itemAction === undefined) delete raw.data.itemAction;
      else raw.data.itemAction = itemAction;
      const result = parseCloudEvent(raw, { expectedTypes: [EventTypes.ViolationDetectedV1] });
      if (!result.ok) throw new Error(result.message);
      expect(result.event.data.itemAction).toBe('NONE');
    });

    it('accepts the minimal violation (optional fields absent) and no datacontenttype', () => {
      const raw = violation();
      delete raw.datacontenttype;
      for (const field of ['scenario', 'itemIds', 'itemAction', 'evidence', 'description']) delete raw.data[field];
      expect(parseCloudEvent(raw).ok).toBe(true);
    });

    it('accepts the limits themselves', () => {
      const raw = violation();
      raw.data.violationId = 'v'.repeat(128);
      raw.data.itemIds = Array.from({ length: 1000 }, (_, i) => `i-${i}`);
      raw.data.evidence = Array.from({ length: 50 }, () => ({ kind: 'k', uri: 'u', sha256 }));
      raw.data.description = 'd'.repeat(4000);
      raw.subject = raw.data.merchantId = 'm'.repeat(64);
      expect(parseCloudEvent(raw).ok).toBe(true);
    });

    it('accepts a sanction with no fine, a permanent measure and a non-ladder cause', () => {
      const raw = goldenFixture(EventTypes.SanctionImposedV1);
      raw.data.fine = null;
      raw.data.measures[0].endsAt = null;
      raw.data.cause = { kind: 'FORGERY', violationIds: ['v-1'] };
      expect(parseCloudEvent(raw).ok).toBe(true);
    });
  });

  describe('invalid messages', () => {
    it('UNPARSEABLE: bad JSON, invalid UTF-8, empty value', () => {
      expectFailure('{"specversion": "1.0",', 'UNPARSEABLE', '');
      expectFailure(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'UNPARSEABLE', '');
      expectFailure(null, 'UNPARSEABLE', '');
      expectFailure(Buffer.alloc(0), 'UNPARSEABLE', '');
    });

    it('ENVELOPE_INVALID: JSON that is not an object', () => {
      expectFailure('[1, 2]', 'ENVELOPE_INVALID', '');
      expectFailure('"text"', 'ENVELOPE_INVALID', '');
    });

    it.each([
      ['specversion', (raw: any) => delete raw.specversion],
      ['specversion', (raw: any) => (raw.specversion = '0.3')],
      ['id', (raw: any) => (raw.id = '')],
      ['source', (raw: any) => delete raw.source],
      ['type', (raw: any) => delete raw.type],
      ['time', (raw: any) => (raw.time = '2023-06-25T10:00:00')],
      ['subject', (raw: any) => delete raw.subject],
      ['subject', (raw: any) => (raw.subject = 'm'.repeat(65))],
      ['datacontenttype', (raw: any) => (raw.datacontenttype = 'text/plain')],
      ['data', (raw: any) => delete raw.data],
      ['data', (raw: any) => (raw.data = [raw.data])],
    ])('ENVELOPE_INVALID at %s', (field, breakIt) => {
      const raw = violation();
      breakIt(raw);
      expectFailure(raw, 'ENVELOPE_INVALID', field);
    });

    it('UNKNOWN_TYPE: a type outside the contract', () => {
      const raw = violation();
      raw.type = 'violation.detected.v2';
      expectFailure(raw, 'UNKNOWN_TYPE', 'type');
    });

    it('UNKNOWN_TYPE: a known type that is not expected on this topic', () => {
      const result = failed(
        parseCloudEvent(goldenFixture(EventTypes.PenaltyAssessedV1), {
          expectedTypes: [EventTypes.ViolationDetectedV1],
        }),
      );
      expect(result.reason).toBe('UNKNOWN_TYPE');
      expect(result.violations).toEqual([{ field: 'type', message: expect.stringContaining('violation.detected.v1') }]);
    });

    it('UNKNOWN_VIOLATION_CODE: the only problem is a code outside the catalogue', () => {
      const raw = violation();
      raw.data.code = 'SELLING_MOON_ROCKS';
      const result = expectFailure(raw, 'UNKNOWN_VIOLATION_CODE', 'data.code');
      expect(result.violations).toEqual([
        { field: 'data.code', message: 'code "SELLING_MOON_ROCKS" is not in the violation catalogue' },
      ]);
    });

    it('DATA_INVALID, not UNKNOWN_VIOLATION_CODE, when the code is missing, not a string, or not alone', () => {
      const missing = violation();
      delete missing.data.code;
      expectFailure(missing, 'DATA_INVALID', 'data.code');
      const notString = violation();
      notString.data.code = 42;
      expectFailure(notString, 'DATA_INVALID', 'data.code');
      const notAlone = violation();
      notAlone.data.code = 'SELLING_MOON_ROCKS';
      notAlone.data.severity = 'CATASTROPHIC';
      expectFailure(notAlone, 'DATA_INVALID', 'data.severity');
    });

    it.each([
      ['data.violationId', (d: any) => delete d.violationId],
      ['data.violationId', (d: any) => (d.violationId = 'v'.repeat(129))],
      ['data.violationId', (d: any) => (d.violationId = '')],
      ['data.merchantId', (d: any) => delete d.merchantId],
      ['data.severity', (d: any) => (d.severity = 'minor')],
      ['data.scenario', (d: any) => (d.scenario = 'SPAM')],
      ['data.occurredAt', (d: any) => delete d.occurredAt],
      ['data.occurredAt', (d: any) => (d.occurredAt = '2023-06-25T09:41:07')],
      ['data.occurredAt', (d: any) => (d.occurredAt = '2023-06-25')],
      ['data.detectedBy', (d: any) => delete d.detectedBy],
      ['data.itemIds', (d: any) => (d.itemIds = Array.from({ length: 1001 }, (_, i) => `i-${i}`))],
      ['data.itemIds', (d: any) => (d.itemIds = ['i-1', 2])],
      ['data.itemAction', (d: any) => (d.itemAction = 'BURN')],
      ['data.evidence', (d: any) => (d.evidence = Array.from({ length: 51 }, () => ({ kind: 'k', uri: 'u', sha256 })))],
      ['data.evidence', (d: any) => (d.evidence = ['not-an-object'])],
      ['data.evidence.0.sha256', (d: any) => (d.evidence[0].sha256 = 'abc123')],
      ['data.evidence.0.sha256', (d: any) => (d.evidence[0].sha256 = 'g'.repeat(64))],
      ['data.evidence.0.kind', (d: any) => delete d.evidence[0].kind],
      ['data.description', (d: any) => (d.description = 'd'.repeat(4001))],
    ])('DATA_INVALID at %s', (field, breakIt) => {
      const raw = violation();
      breakIt(raw.data);
      expectFailure(raw, 'DATA_INVALID', field);
    });

    it('DATA_INVALID at subject when subject differs from data.merchantId', () => {
      // Every event is about a merchant, except the rulebook versions (subject <marketplace>/<versionId>).
      const merchantEvents = ALL_TYPES.filter((type) => 'merchantId' in goldenFixture(type).data);
      expect(ALL_TYPES.filter((type) => !merchantEvents.includes(type))).toEqual(['rulebook-version.updated.v1']);
      for (const type of merchantEvents) {
        const raw = goldenFixture(type);
        raw.subject = 'm-99999';
        const result = expectFailure(raw, 'DATA_INVALID', 'subject');
        expect(result.violations).toHaveLength(1);
      }
    });

    it("takes a ladder cause of any track and any node of that track's ladder in the rule data", () => {
      for (const [track, node] of [['GENERAL', 2], ['GENERAL', 12], ['SERIOUS', 13], ['SERIOUS', 100]] as const) {
        const raw = goldenFixture(EventTypes.SanctionImposedV1);
        Object.assign(raw.data.cause, { track, node });
        const parsed = parseCloudEvent(raw);
        expect(parsed.ok && (parsed.event.data as { cause: object }).cause).toMatchObject({ kind: 'LADDER_NODE', track, node });
      }
    });

    it('takes a ladder cause published before the track was named (older events: the SERIOUS ladder)', () => {
      const raw = goldenFixture(EventTypes.SanctionImposedV1);
      delete raw.data.cause.track;
      expect(parseCloudEvent(raw).ok).toBe(true);
    });

    it('takes deposit amounts at the exact bounds, ±(2^53 - 1) fen', () => {
      const raw = goldenFixture(EventTypes.DepositUpdatedV1);
      Object.assign(raw.data, { requiredFen: Number.MAX_SAFE_INTEGER, balanceFen: -Number.MAX_SAFE_INTEGER, shortfallFen: Number.MAX_SAFE_INTEGER });
      expect(parseCloudEvent(raw).ok).toBe(true);
    });

    it.each([
      [EventTypes.MerchantProfileUpdatedV1, 'data.contact.webhookUrl', (d: any) => (d.contact.webhookUrl = 'not a url')],
      [EventTypes.MerchantProfileUpdatedV1, 'data.examEligible', (d: any) => (d.examEligible = 'yes')],
      [EventTypes.MerchantProfileUpdatedV1, 'data.contact', (d: any) => (d.contact = ['ops@example.com'])],
      [EventTypes.PenaltyAssessedV1, 'data.points', (d: any) => (d.points = -1)],
      [EventTypes.PenaltyAssessedV1, 'data.points', (d: any) => (d.points = 1.5)],
      [EventTypes.PenaltyAssessedV1, 'data.waiver', (d: any) => delete d.waiver],
      [EventTypes.PenaltyAssessedV1, 'data.totals.serious', (d: any) => delete d.totals.serious],
      [EventTypes.SanctionImposedV1, 'data.cause.node', (d: any) => (d.cause.node = 0)],
      [EventTypes.SanctionImposedV1, 'data.cause.node', (d: any) => (d.cause.node = 12.5)],
      [EventTypes.SanctionImposedV1, 'data.cause.track', (d: any) => (d.cause.track = 'MINOR')],
      [EventTypes.SanctionImposedV1, 'data.cause.track', (d: any) => (d.cause.track = null)],
      [EventTypes.SanctionImposedV1, 'data.cause.naturalYear', (d: any) => delete d.cause.naturalYear],
      [EventTypes.SanctionImposedV1, 'data.measures.1.endsAt', (d: any) => delete d.measures[1].endsAt],
      [EventTypes.SanctionImposedV1, 'data.measures.0.type', (d: any) => (d.measures[0].type = 'JAIL')],
      [EventTypes.SanctionImposedV1, 'data.fine', (d: any) => delete d.fine],
      [EventTypes.SanctionImposedV1, 'data.fine.currency', (d: any) => (d.fine.currency = 'USD')],
      [EventTypes.SanctionImposedV1, 'data.fine.amountFen', (d: any) => (d.fine.amountFen = 12.5)],
      [EventTypes.DepositUpdatedV1, 'data.balanceFen', (d: any) => (d.balanceFen = 2 ** 53)],
      [EventTypes.DepositUpdatedV1, 'data.balanceFen', (d: any) => (d.balanceFen = -(2 ** 53))],
      [EventTypes.DepositUpdatedV1, 'data.requiredFen', (d: any) => (d.requiredFen = 2 ** 53)],
      [EventTypes.DepositUpdatedV1, 'data.requiredFen', (d: any) => (d.requiredFen = -1)],
      [EventTypes.DepositUpdatedV1, 'data.shortfallFen', (d: any) => (d.shortfallFen = 1e300)],
      [EventTypes.SanctionLiftedV1, 'data.measureTypes', (d: any) => (d.measureTypes = ['JAIL'])],
      [EventTypes.SanctionLiftedV1, 'data.reason', (d: any) => (d.reason = 'MERCY')],
      [EventTypes.NotificationSentV1, 'data.channel', (d: any) => (d.channel = 'PIGEON')],
      [EventTypes.NotificationSentV1, 'data.attempts', (d: any) => (d.attempts = '1')],
    ])('DATA_INVALID for %s at %s', (type, field, breakIt) => {
      const raw = goldenFixture(type);
      breakIt(raw.data);
      expectFailure(raw, 'DATA_INVALID', field);
    });
  });

  describe('robustness', () => {
    it('does not let a __proto__ key change the prototype of the data', () => {
      const raw = violation();
      const text = JSON.stringify(raw).replace('"data":{', '"data":{"__proto__":{"polluted":true},');
      const result = parseCloudEvent(text);
      if (!result.ok) throw new Error(result.message);
      expect(result.event.data).toBeInstanceOf(ViolationDetectedV1);
      expect((result.event.data as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('does not modify a parsed value it is given', () => {
      const raw = violation();
      raw.data.extra = true;
      const copy = structuredClone(raw);
      parseCloudEvent(raw);
      expect(raw).toEqual(copy);
    });

    it('bounds the summary message of a very invalid event', () => {
      const raw = violation();
      raw.data = { evidence: Array.from({ length: 40 }, () => ({})) };
      const result = failed(parseCloudEvent(raw));
      expect(result.violations.length).toBeGreaterThan(10);
      expect(result.message).toMatch(/and \d+ more$/);
    });
  });
});
