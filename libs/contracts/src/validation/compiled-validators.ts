import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isEmail, isURL } from 'class-validator';
import { CLOUDEVENT_ATTRIBUTES, CloudEvent } from '../cloud-event';
import { WEBHOOK_URL_MESSAGE, WEBHOOK_URL_OPTIONS } from '../merchants-profiles/v1/merchant-profile-updated.v1';
import { EventRegistry, type EventType } from '../topics';
import { SHA256_HEX_MESSAGE, unknownViolationCodeMessage } from '../violations-detected/v1/violation-detected.v1';
import { CONTRACT_SCHEMAS, type JsonSchema } from './contract-schemas';
import { knownFieldsOf, type KnownFields } from './known-fields';
import { quoted } from './quoted';
import { dateTimeMessage, isRfc3339DateTime } from './rfc3339-date-time';

// Validators compiled by ajv from the published JSON Schemas, so that what is checked is exactly
// what the contract publishes. Compiled once per process and type, on first use (a service
// compiles only the types it consumes), never per message.

/** One invalid field, as parseCloudEvent reports it; `constraint` says which rule (for the reason). */
export interface Finding {
  field: string;
  message: string;
  constraint: string;
}

export interface CompiledEventType {
  /** The findings for `data` (paths under `data.`); empty when it satisfies the type's schema. */
  dataFindings(data: unknown): Finding[];
  /** Known fields of a valid `data`, copied (unknown ones dropped, defaults applied). */
  readonly data: KnownFields;
}

// Formats the schemas use, checked as the payload classes check them (class-validator, whose
// email and URL rules are validator.js's), not with ajv-formats' slightly different rules.
const FORMATS: Record<string, (value: string) => boolean> = {
  'date-time': isRfc3339DateTime,
  email: (value) => isEmail(value),
  // The contract uses `uri` only for URLs that the platform calls (webhookUrl), whose schema also
  // has an http(s) pattern; parse-cloud-event.hostile-input.spec.ts checks that every `uri` has it.
  uri: (value) => isURL(value, WEBHOOK_URL_OPTIONS),
};

let ajvInstance: Ajv | undefined;

function contractAjv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const ajv = new Ajv({
    // Every invalid field, as class-validator reported them; only an invalid message pays for it.
    allErrors: true,
    // Errors carry the invalid value and its schema: messages quote them (error path only).
    verbose: true,
    messages: false,
    strict: true,
    // A property inherited from a prototype (a parsed value given by a caller) is not a field.
    ownProperties: true,
  });
  for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  for (const schema of Object.values(CONTRACT_SCHEMAS)) ajv.addSchema(schema);
  ajvInstance = ajv;
  return ajv;
}

// ---------------------------------------------------------------- envelope

let envelopeValidator: ValidateFunction | undefined;

/**
 * The envelope of any type: the attributes of CloudEvent as every schema publishes them, with
 * `type` any non-empty string and `data` any object (what the CloudEvent class says), so that an
 * unknown type is told apart from a broken envelope.
 */
function compiledEnvelope(): ValidateFunction {
  if (envelopeValidator) return envelopeValidator;
  const first = CONTRACT_SCHEMAS[Object.keys(EventRegistry)[0] as EventType];
  const properties = first.properties as Record<string, JsonSchema>;
  envelopeValidator = contractAjv().compile({
    type: 'object',
    properties: { ...properties, type: { type: 'string', minLength: 1 }, data: { type: 'object' } },
    required: first.required,
  });
  return envelopeValidator;
}

/** Findings for the envelope attributes of `value` (a JSON object). */
export function envelopeFindings(value: object): Finding[] {
  const validate = compiledEnvelope();
  return validate(value) ? [] : findingsOf(validate.errors ?? [], value, []);
}

/** Known envelope attributes of a valid event, on a CloudEvent; `data` as given. */
export function envelopeOf(value: Record<string, unknown>, data: object): CloudEvent {
  const envelope = Object.create(CloudEvent.prototype) as Record<string, unknown>;
  for (const attribute of CLOUDEVENT_ATTRIBUTES) {
    if (attribute === 'data') continue;
    const attributeValue = value[attribute];
    if (attributeValue !== undefined && Object.prototype.hasOwnProperty.call(value, attribute)) envelope[attribute] = attributeValue;
  }
  envelope.data = data;
  // The distributed-tracing extension is kept when well-formed, so a consumer can continue the trace.
  const { traceparent, tracestate } = value;
  if (typeof traceparent === 'string' && TRACEPARENT_FORMAT.test(traceparent)) {
    envelope.traceparent = traceparent;
    if (typeof tracestate === 'string' && tracestate.length <= TRACESTATE_MAX_LENGTH) envelope.tracestate = tracestate;
  }
  return envelope as unknown as CloudEvent;
}

/** A W3C Trace Context traceparent (version, trace id, parent id, flags); ids of zeros are invalid. */
const TRACEPARENT_FORMAT = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** W3C Trace Context: a tracestate longer than 512 characters may be dropped. */
const TRACESTATE_MAX_LENGTH = 512;

// ---------------------------------------------------------------- data, per type

const compiledTypes = new Map<EventType, CompiledEventType>();

export function compiledEventType(type: EventType): CompiledEventType {
  let compiled = compiledTypes.get(type);
  if (!compiled) {
    compiled = compileEventType(type);
    compiledTypes.set(type, compiled);
  }
  return compiled;
}

function compileEventType(type: EventType): CompiledEventType {
  const ajv = contractAjv();
  const schema = CONTRACT_SCHEMAS[type];
  const { dataClass } = EventRegistry[type];
  const ref = `${String(schema.$id)}#/definitions/${dataClass.name}`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}: regenerate the contract (npm run contracts:generate)`);
  return {
    dataFindings: (data) => (validate(data) ? [] : findingsOf(validate.errors ?? [], data, ['data'])),
    data: knownFieldsOf(schema, `#/definitions/${dataClass.name}`, dataClass.prototype),
  };
}

// ---------------------------------------------------------------- errors -> findings

// Messages the payload classes give instead of class-validator's defaults, by the schema of the
// property in every file that has the class (ajv hands that schema object back with the error).
const CUSTOM_MESSAGES: Array<{ definition: string; property: string; message: (value: unknown) => string }> = [
  { definition: 'ViolationDetectedV1', property: 'code', message: unknownViolationCodeMessage },
  { definition: 'ViolationEvidenceV1', property: 'sha256', message: () => SHA256_HEX_MESSAGE },
  { definition: 'MerchantContactV1', property: 'webhookUrl', message: () => WEBHOOK_URL_MESSAGE },
];

let customMessages: Map<object, (value: unknown) => string> | undefined;

function customMessageFor(schema: unknown): ((value: unknown) => string) | undefined {
  if (!customMessages) {
    customMessages = new Map();
    for (const file of Object.values(CONTRACT_SCHEMAS)) {
      const definitions = (file.definitions ?? {}) as Record<string, JsonSchema>;
      for (const { definition, property, message } of CUSTOM_MESSAGES) {
        const propertySchema = (definitions[definition]?.properties as Record<string, JsonSchema> | undefined)?.[property];
        if (!propertySchema) continue;
        // An optional or nullable property: the constraints are in the first branch of anyOf.
        const constrained = Array.isArray(propertySchema.anyOf) ? (propertySchema.anyOf[0] as object) : propertySchema;
        customMessages.set(constrained, message);
      }
    }
  }
  return typeof schema === 'object' && schema !== null ? customMessages.get(schema) : undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer number',
  number: 'a number',
  boolean: 'a boolean value',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * ajv errors as the fields class-validator named (one per field, the first failing rule):
 * - a rule on an element of an array of values (`each` in the classes) names the array;
 * - a field with an error of its own hides the errors inside it (stopAtFirstError);
 * - the bookkeeping of anyOf (the null branch of an optional or nullable field) and if/then is dropped.
 */
export function findingsOf(errors: readonly ErrorObject[], root: unknown, prefix: readonly string[]): Finding[] {
  const byField = new Map<string, Finding>();
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    if (error.keyword === 'type' && error.params.type === 'null' && error.schemaPath.endsWith('/anyOf/1/type')) continue;
    const segments = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(unescapePointer);
    let each = false;
    if (error.keyword === 'required') {
      segments.push(String(error.params.missingProperty));
    } else if (segments.length > 0 && Array.isArray(valueAt(root, segments.slice(0, -1)))) {
      segments.pop();
      each = true;
    }
    const field = [...prefix, ...segments].join('.');
    if (byField.has(field)) continue;
    const property = segments.length > 0 ? segments[segments.length - 1] : (prefix[prefix.length - 1] ?? '');
    byField.set(field, { field, message: messageOf(error, property, each), constraint: error.keyword });
  }
  return withoutInnerFindings([...byField.values()]);
}

/** Drops the findings inside a field that has one of its own (`data.evidence` hides `data.evidence.3.uri`). */
export function withoutInnerFindings(findings: Finding[]): Finding[] {
  const fields = new Set(findings.map((f) => f.field));
  return findings.filter((finding) => {
    for (let at = finding.field.lastIndexOf('.'); at > 0; at = finding.field.lastIndexOf('.', at - 1)) {
      if (fields.has(finding.field.slice(0, at))) return false;
    }
    return true;
  });
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function messageOf(error: ErrorObject, property: string, each: boolean): string {
  const subject = each ? `each value in ${property}` : property;
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const custom = each || error.keyword === 'required' ? undefined : customMessageFor(error.parentSchema);
  if (custom) return custom(error.data);
  // A rule of the first branch of `anyOf: [X, null]`: an optional or nullable field.
  const orNull = /\/anyOf\/0\/[^/]+$/.test(error.schemaPath) ? ' or null' : '';
  switch (error.keyword) {
    case 'required':
      return `${property} is required`;
    case 'type':
      if (schema.format === 'date-time') return dateTimeMessage(subject, orNull !== '');
      return `${subject} must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}${orNull}`;
    case 'minLength':
      if (params.limit === 1) return `${subject} must not be empty`;
      return `${subject} must be longer than or equal to ${params.limit} characters`;
    case 'maxLength':
      return `${subject} must be shorter than or equal to ${params.limit} characters`;
    case 'minItems':
      return `${subject} must contain at least ${params.limit} elements`;
    case 'maxItems':
      return `${subject} must contain no more than ${params.limit} elements`;
    case 'minimum':
      return `${subject} must not be less than ${params.limit}`;
    case 'maximum':
      return `${subject} must not be greater than ${params.limit}`;
    case 'enum':
      return `${subject} must be one of the following values: ${(params.allowedValues as unknown[]).join(', ')}${orNull}`;
    case 'const':
      return `${subject} must be ${quoted(params.allowedValue)}`;
    case 'pattern':
    case 'format':
      if (schema.format === 'date-time') return dateTimeMessage(subject, orNull !== '');
      if (schema.format === 'email') return `${subject} must be an email`;
      if (schema.format === 'uri') return `${subject} must be an http or https URL`;
      return `${subject} must match ${String(params.pattern)}`;
    default:
      return `${subject} is invalid (${error.keyword})`;
  }
}
