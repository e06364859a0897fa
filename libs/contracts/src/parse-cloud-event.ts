import type { CloudEvent } from './cloud-event';
import {
  MAX_MESSAGE_BYTES,
  type FieldViolation,
  type ParseFailure,
  type ParseFailureReason,
} from './parse-failure';
import { EventRegistry, isEventType, type EventDataOf, type EventType } from './topics';
import {
  compiledEventType,
  envelopeFindings,
  envelopeOf,
  withoutInnerFindings,
  type Finding,
} from './validation/compiled-validators';
import { escapedText, quoted } from './validation/quoted';
import { bytesMayHoldUnsafeStrings, mayHoldUnsafeStrings, unsafeStringFindings } from './validation/string-safety';

export type ParseResult<T extends object = object> = { ok: true; event: CloudEvent<T> } | ParseFailure;

export interface ParseOptions {
  /** Types accepted here (e.g. those of the topic being consumed); any other gives UNKNOWN_TYPE. */
  expectedTypes?: readonly string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a Kafka message value or HTTP body as a CloudEvent of the contract, with
 * validators compiled from the published JSON Schemas. `raw` is bytes, JSON text, or an already
 * parsed JSON value (never modified). Never throws.
 *
 * Refused: a value over 256 KiB (TOO_LARGE: the bytes, the UTF-8 length of the text, or of a
 * parsed value's JSON), anything the type's schema refuses, a subject that is not data.merchantId,
 * and any string or property name holding U+0000 or an unpaired surrogate.
 *
 * On success the event and its data hold the fields the contract knows, unknown ones dropped,
 * defaults applied (itemAction NONE). `data` is an instance of the type's data class; objects
 * nested in it are plain objects.
 */
export function parseCloudEvent<K extends EventType>(
  raw: unknown,
  opts: { expectedTypes: readonly K[] },
): ParseResult<EventDataOf<K>>;
export function parseCloudEvent(raw: unknown, opts?: ParseOptions): ParseResult;
export function parseCloudEvent(raw: unknown, opts: ParseOptions = {}): ParseResult {
  const decoded = decode(raw);
  if ('failure' in decoded) return decoded.failure;
  const value = decoded.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('ENVELOPE_INVALID', [
      { field: '', message: 'the message must be a JSON object', constraint: 'isObject' },
    ]);
  }
  const event = value as Record<string, unknown>;

  const unsafe = decoded.checkStrings ? unsafeStringFindings(event) : [];
  const inData = (finding: Finding) => finding.field === 'data' || finding.field.startsWith('data.');
  const envelopeProblems = withoutInnerFindings(dedupe([...unsafe.filter((f) => !inData(f)), ...envelopeFindings(event)]));
  if (envelopeProblems.length > 0) return failure('ENVELOPE_INVALID', envelopeProblems);

  const type = event.type;
  if (!isEventType(type) || (opts.expectedTypes && !opts.expectedTypes.includes(type))) {
    const expected = opts.expectedTypes ?? Object.keys(EventRegistry);
    return failure('UNKNOWN_TYPE', [
      {
        field: 'type',
        message: `type ${quoted(type)} is not one of ${expected.join(', ')}`,
        constraint: 'isIn',
      },
    ]);
  }

  const compiled = compiledEventType(type);
  const data = event.data as Record<string, unknown>;
  const dataProblems = withoutInnerFindings(dedupe([...unsafe.filter(inData), ...compiled.dataFindings(data)]));
  const merchantId = data.merchantId;
  if (
    typeof merchantId === 'string' &&
    !dataProblems.some((f) => f.field === 'data.merchantId') &&
    merchantId !== event.subject
  ) {
    dataProblems.push({
      field: 'subject',
      message: `subject ${quoted(event.subject)} must equal data.merchantId ${quoted(merchantId)} (the merchant id is also the message key)`,
      constraint: 'equalsMerchantId',
    });
  }
  if (dataProblems.length > 0) {
    const onlyUnknownCode =
      dataProblems.length === 1 &&
      dataProblems[0].field === 'data.code' &&
      dataProblems[0].constraint === 'enum' &&
      typeof data.code === 'string';
    return failure(onlyUnknownCode ? 'UNKNOWN_VIOLATION_CODE' : 'DATA_INVALID', dataProblems);
  }

  return { ok: true, event: envelopeOf(event, compiled.data.copy(data) as object) };
}

/** Narrows a parsed event by its type: `if (isCloudEventOf(e, EventTypes.SanctionLiftedV1)) e.data.reason`. */
export function isCloudEventOf<K extends EventType>(
  event: CloudEvent,
  type: K,
): event is CloudEvent<EventDataOf<K>> {
  return event.type === type;
}

type Decoded = { value: unknown; checkStrings: boolean } | { failure: ParseFailure };

function decode(raw: unknown): Decoded {
  if (raw === null || raw === undefined) {
    return { failure: failure('UNPARSEABLE', [{ field: '', message: 'the message is empty', constraint: 'json' }]) };
  }
  let text: string;
  let checkStrings: boolean;
  if (typeof raw === 'string') {
    // UTF-8 takes at least one byte per UTF-16 unit and at most three.
    const size = raw.length * 3 <= MAX_MESSAGE_BYTES ? 0 : Buffer.byteLength(raw, 'utf8');
    if (size > MAX_MESSAGE_BYTES) return { failure: tooLarge(size) };
    text = raw;
    checkStrings = mayHoldUnsafeStrings(text, false);
  } else if (raw instanceof Uint8Array) {
    if (raw.byteLength > MAX_MESSAGE_BYTES) return { failure: tooLarge(raw.byteLength) };
    try {
      text = utf8.decode(raw);
    } catch {
      return { failure: failure('UNPARSEABLE', [{ field: '', message: 'the message is not valid UTF-8', constraint: 'utf8' }]) };
    }
    checkStrings = bytesMayHoldUnsafeStrings(raw);
  } else {
    // Already parsed (an HTTP body): its size is that of the JSON it is published as.
    let json: string | undefined;
    try {
      json = JSON.stringify(raw);
    } catch (error) {
      const detail = escapedText(error instanceof Error ? error.message : String(error));
      return { failure: failure('UNPARSEABLE', [{ field: '', message: `the value is not JSON: ${detail}`, constraint: 'json' }]) };
    }
    const size = json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
    if (size > MAX_MESSAGE_BYTES) return { failure: tooLarge(size) };
    // JSON.stringify escapes U+0000 and unpaired surrogates as \u….
    return { value: raw, checkStrings: json === undefined || mayHoldUnsafeStrings(json, true) };
  }
  try {
    return { value: JSON.parse(text), checkStrings };
  } catch (error) {
    // V8 quotes a piece of the text, which may hold what a header or PostgreSQL cannot.
    const detail = escapedText(error instanceof Error ? error.message : String(error));
    return { failure: failure('UNPARSEABLE', [{ field: '', message: `the message is not JSON: ${detail}`, constraint: 'json' }]) };
  }
}

function tooLarge(size: number): ParseFailure {
  return failure('TOO_LARGE', [
    {
      field: '',
      message: `the message is ${size} bytes, over the contract's limit of ${MAX_MESSAGE_BYTES} bytes (256 KiB)`,
      constraint: 'maxBytes',
    },
  ]);
}

/** The first finding per field. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => !seen.has(finding.field) && seen.add(finding.field));
}

// The message ends up in a Kafka header (x-dlq-message) and logs: keep it bounded.
const MAX_DETAILS_IN_MESSAGE = 10;

const SUMMARY: Record<ParseFailureReason, string> = {
  UNPARSEABLE: 'the message is not a JSON document',
  TOO_LARGE: 'the message is larger than the contract allows',
  ENVELOPE_INVALID: 'the message is not a valid CloudEvent',
  UNKNOWN_TYPE: 'the CloudEvent type is not expected here',
  DATA_INVALID: 'the CloudEvent data does not satisfy its contract',
  UNKNOWN_VIOLATION_CODE: 'the violation code is not in the catalogue',
};

function failure(reason: ParseFailureReason, found: Finding[]): ParseFailure {
  const violations: FieldViolation[] = found.map(({ field, message }) => ({ field, message }));
  const details = violations
    .slice(0, MAX_DETAILS_IN_MESSAGE)
    .map((v) => (v.field ? `${v.field}: ${v.message}` : v.message));
  if (violations.length > MAX_DETAILS_IN_MESSAGE) {
    details.push(`and ${violations.length - MAX_DETAILS_IN_MESSAGE} more`);
  }
  return { ok: false, reason, message: `${SUMMARY[reason]}: ${details.join('; ')}`, violations };
}
