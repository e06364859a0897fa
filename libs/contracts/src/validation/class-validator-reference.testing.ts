import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { CLOUDEVENT_ATTRIBUTES, CloudEvent } from '../cloud-event';
import type { ParseOptions, ParseResult } from '../parse-cloud-event';
import type { FieldViolation, ParseFailure, ParseFailureReason } from '../parse-failure';
import { EventRegistry, isEventType } from '../topics';

// Validation is synchronous (no async validators in the contract) and skips error targets and
// values: consumers call this for every message.
// One message per invalid field (the first failing constraint) keeps problem details readable.
const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  stopAtFirstError: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Finding extends FieldViolation {
  constraint: string;
}

/**
 * parseCloudEvent as it was before the compiled validators: class-transformer + class-validator
 * on every message. The reference that parse-cloud-event.equivalence.spec.ts compares the
 * compiled validators with, and the "old" side of libs/contracts/bench/parse-cloud-event.bench.ts. Not for
 * production code: it knows neither TOO_LARGE nor the string rules.
 */
export function parseWithClassValidator(raw: unknown, opts: ParseOptions = {}): ParseResult {
  const decoded = decode(raw);
  if ('failure' in decoded) return decoded.failure;
  const value = decoded.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('ENVELOPE_INVALID', [
      { field: '', message: 'the message must be a JSON object', constraint: 'isObject' },
    ]);
  }

  const envelope = new CloudEvent<object>();
  const attributes = envelope as unknown as Record<string, unknown>;
  for (const attribute of CLOUDEVENT_ATTRIBUTES) {
    if (Object.prototype.hasOwnProperty.call(value, attribute)) {
      attributes[attribute] = (value as Record<string, unknown>)[attribute];
    }
  }
  const envelopeFindings = findings(validateSync(envelope, VALIDATOR_OPTIONS), []);
  if (envelopeFindings.length > 0) return failure('ENVELOPE_INVALID', envelopeFindings);

  const type = envelope.type;
  if (!isEventType(type) || (opts.expectedTypes && !opts.expectedTypes.includes(type))) {
    const expected = opts.expectedTypes ?? Object.keys(EventRegistry);
    return failure('UNKNOWN_TYPE', [
      {
        field: 'type',
        message: `type ${JSON.stringify(type)} is not one of ${expected.join(', ')}`,
        constraint: 'isIn',
      },
    ]);
  }

  const { dataClass } = EventRegistry[type];
  const data = plainToInstance(dataClass as new () => object, envelope.data);
  const dataFindings = findings(validateSync(data, VALIDATOR_OPTIONS), ['data']);
  const merchantId = (data as { merchantId?: unknown }).merchantId;
  const merchantIdValid = !dataFindings.some((f) => f.field === 'data.merchantId');
  if (typeof merchantId === 'string' && merchantIdValid && merchantId !== envelope.subject) {
    dataFindings.push({
      field: 'subject',
      message: `subject ${JSON.stringify(envelope.subject)} must equal data.merchantId ${JSON.stringify(merchantId)} (the merchant id is also the message key)`,
      constraint: 'equalsMerchantId',
    });
  }
  if (dataFindings.length > 0) {
    const onlyUnknownCode =
      dataFindings.length === 1 &&
      dataFindings[0].field === 'data.code' &&
      dataFindings[0].constraint === 'isIn' &&
      typeof (data as { code?: unknown }).code === 'string';
    return failure(onlyUnknownCode ? 'UNKNOWN_VIOLATION_CODE' : 'DATA_INVALID', dataFindings);
  }

  envelope.data = data;
  return { ok: true, event: envelope };
}

function decode(raw: unknown): { value: unknown } | { failure: ParseFailure } {
  if (raw === null || raw === undefined) {
    return { failure: failure('UNPARSEABLE', [{ field: '', message: 'the message is empty', constraint: 'json' }]) };
  }
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else if (raw instanceof Uint8Array) {
    try {
      text = utf8.decode(raw);
    } catch {
      return { failure: failure('UNPARSEABLE', [{ field: '', message: 'the message is not valid UTF-8', constraint: 'utf8' }]) };
    }
  } else {
    return { value: raw };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { failure: failure('UNPARSEABLE', [{ field: '', message: `the message is not JSON: ${detail}`, constraint: 'json' }]) };
  }
}

function findings(errors: ValidationError[], path: string[]): Finding[] {
  const out: Finding[] = [];
  for (const error of errors) {
    const at = error.property === undefined || error.property === '' ? path : [...path, error.property];
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({ field: at.join('.'), message, constraint });
    }
    out.push(...findings(error.children ?? [], at));
  }
  return out;
}

// The message ends up in a Kafka header (x-dlq-message) and logs: keep it bounded.
const MAX_DETAILS_IN_MESSAGE = 10;

const SUMMARY: Record<ParseFailureReason, string> = {
  UNPARSEABLE: 'the message is not a JSON document',
  TOO_LARGE: 'the message is too large',
  ENVELOPE_INVALID: 'the message is not a valid CloudEvent',
  UNKNOWN_TYPE: 'the CloudEvent type is not expected here',
  DATA_INVALID: 'the CloudEvent data does not satisfy its contract',
  UNKNOWN_VIOLATION_CODE: 'the violation code is not in the catalogue',
};

function failure(reason: ParseFailureReason, found: Finding[]): ParseFailure {
  const violations = found.map(({ field, message }) => ({ field, message }));
  const details = violations
    .slice(0, MAX_DETAILS_IN_MESSAGE)
    .map((v) => (v.field ? `${v.field}: ${v.message}` : v.message));
  if (violations.length > MAX_DETAILS_IN_MESSAGE) {
    details.push(`and ${violations.length - MAX_DETAILS_IN_MESSAGE} more`);
  }
  return { ok: false, reason, message: `${SUMMARY[reason]}: ${details.join('; ')}`, violations };
}
