// Builds the published contract (JSON Schema per CloudEvent type, AsyncAPI 3.0 document) from the
// class-validator metadata of this lib. Pure: returns file contents, writes nothing; the CLI is
// tools/contracts/generate-contracts.ts. Not exported from the lib's index, so that services never
// load class-validator-jsonschema (a dev dependency).
// Decorator metadata: loaded before any contract class is defined.
import 'reflect-metadata';
import { IS_OPTIONAL, getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
// Module by module rather than from the index: the generator must run even when a schema file
// that the runtime parser imports does not exist yet (a new type).
import { CloudEvent } from '../cloud-event';
import { DeadLetterHeaders, DeadLetterReasons, REQUIRED_DEAD_LETTER_HEADERS } from '../dead-letter';
import { goldenFixture } from '../golden-fixtures';
import { MAX_MESSAGE_BYTES } from '../parse-failure';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  COMPACTED_TOPICS,
  EventRegistry,
  INBOUND_TOPICS,
  TopicDirections,
  Topics,
  deadLetterTopicOf,
  eventTypesOn,
  type EventType,
  type TopicName,
} from '../topics';
import { MARKETPLACE_PATTERN, MERCHANT_ID_MAX_LENGTH } from '../validation/identifiers';
import { RULEBOOK_VERSION_ID_PATTERN } from '@penalty/domain';
import { DATE_TIME_DESCRIPTION } from '../validation/rfc3339-date-time';
import { CONTRACT_SCHEMA_CONVERTERS, schemaAnnotationsOf } from '../validation/schema-annotations';

// The storage that @Type writes to; class-transformer only exposes it under cjs/ (no typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Class = new () => object;

/** Output directory, relative to the repository root. */
export const GENERATED_DIR = 'libs/contracts/generated';
export const SCHEMAS_DIR = `${GENERATED_DIR}/schemas`;
export const ASYNCAPI_FILE = `${GENERATED_DIR}/asyncapi.json`;
export const schemaFileOf = (type: EventType) => `${SCHEMAS_DIR}/${type}.schema.json`;

const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';
const KAFKA_BINDING_VERSION = '0.5.0';

/** Every generated file: path relative to the repository root -> exact content. */
export function generateContractFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const type of eventTypes()) {
    files[schemaFileOf(type)] = serialize(eventJsonSchema(type));
  }
  files[ASYNCAPI_FILE] = serialize(asyncApiDocument());
  return files;
}

/** 2-space JSON with a trailing newline, the form the files are checked in. */
export const serialize = (value: Json): string => `${JSON.stringify(value, null, 2)}\n`;

const eventTypes = () => Object.keys(EventRegistry) as EventType[];
const topics = () => Object.values(Topics) as TopicName[];

// ---------------------------------------------------------------- class schemas

/** Schemas of a class and of every class it nests, by class name, refs under `refPrefix`. */
function classSchemas(root: Class, refPrefix: string): Record<string, JsonObject> {
  const found = new Map<string, Class>();
  const schemas: Record<string, JsonObject> = {};
  const visit = (cls: Class) => {
    const seen = found.get(cls.name);
    if (seen === cls) return;
    if (seen) throw new Error(`two contract classes are named ${cls.name}: schema names must be unique`);
    found.set(cls.name, cls);
    const raw = targetConstructorToSchema(cls, {
      refPointerPrefix: refPrefix,
      classTransformerMetadataStorage: defaultMetadataStorage,
      additionalConverters: CONTRACT_SCHEMA_CONVERTERS,
    }) as JsonObject;
    schemas[cls.name] = annotate(cls, raw);
    const properties = (raw.properties ?? {}) as Record<string, JsonObject>;
    for (const property of Object.keys(properties)) {
      const nested = defaultMetadataStorage.findTypeMetadata(cls, property)?.typeFunction();
      if (typeof nested === 'function') visit(nested as Class);
    }
  };
  visit(root);
  return schemas;
}

/** Properties with class-validator's IsOptional: absent, undefined or null skip their validators. */
function optionalProperties(cls: Class): Set<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  return new Set(metadata.filter((m) => m.name === IS_OPTIONAL).map((m) => m.propertyName));
}

/** `{ description, default, ...rest }` -> `{ description, default, anyOf: [rest, null] }`. */
function orNull(property: JsonObject): JsonObject {
  const { description, default: defaultValue, ...rest } = property;
  return {
    ...(description === undefined ? {} : { description }),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    anyOf: [tidyRef(rest), { type: 'null' }],
  };
}

/**
 * Merges the lib's own schema annotations (docs, defaults, nullability, conditions) into a class
 * schema, so that it says what the class accepts:
 * - an IsOptional property may also be null (class-validator skips it then);
 * - a Nullable one is required and may be null;
 * - a ValidatedOnlyIf one is checked only under the class's `if`, so its constraints move to `then`;
 * - a date-time says the contract's bounds.
 */
function annotate(cls: Class, raw: JsonObject): JsonObject {
  const annotations = schemaAnnotationsOf(cls);
  const optional = optionalProperties(cls);
  const properties: JsonObject = {};
  const conditional: JsonObject = {};
  const required = new Set((raw.required as string[] | undefined) ?? []);
  for (const [name, schema] of Object.entries((raw.properties ?? {}) as Record<string, JsonObject>)) {
    const annotation = annotations.properties[name];
    let property: JsonObject = { ...schema, ...((annotation?.schema ?? {}) as JsonObject) };
    if (property.format === 'date-time') {
      const description = property.description;
      property.description = typeof description === 'string' ? `${description} ${DATE_TIME_DESCRIPTION}` : DATE_TIME_DESCRIPTION;
    }
    if (annotation?.conditional) {
      const { description, ...constraints } = property;
      conditional[name] = tidyRef(constraints);
      property = description === undefined ? {} : { description };
    }
    if (annotation?.nullable) {
      property = orNull(property);
      required.add(name);
    } else if (optional.has(name)) {
      property = orNull(property);
    }
    properties[name] = tidyRef(property);
  }
  const classSchema = { ...(annotations.schema as JsonObject) };
  if (Object.keys(conditional).length > 0) {
    if (!isObject(classSchema.if) || !isObject(classSchema.then)) {
      throw new Error(`${cls.name}: a ValidatedOnlyIf property needs @SchemaDoc({ if, then }) on its class`);
    }
    classSchema.then = { ...classSchema.then, properties: conditional };
  }
  return canonical({
    ...classSchema,
    type: 'object',
    properties,
    ...(required.size > 0 ? { required: [...required].sort() } : {}),
  }) as JsonObject;
}

/**
 * `$ref` siblings are ignored by draft-07 validators: drop the redundant `type: object` that
 * IsObject adds, and move documentation beside an `allOf` so it survives.
 */
function tidyRef(schema: JsonObject): JsonObject {
  if (schema.type === 'array' && isObject(schema.items)) {
    schema = { ...schema, items: tidyRef(schema.items) };
  }
  if (typeof schema.$ref !== 'string') return schema;
  const { $ref, type, ...siblings } = schema;
  void type;
  return Object.keys(siblings).length === 0 ? { $ref } : { ...siblings, allOf: [{ $ref }] };
}

// What a JSON Schema cannot say about the whole message; parseCloudEvent refuses it (TOO_LARGE,
// ENVELOPE_INVALID or DATA_INVALID naming the field).
const MESSAGE_RULES =
  `The message value is at most ${MAX_MESSAGE_BYTES.toString().replace(/\B(?=(\d{3})+$)/g, ',')} bytes (256 KiB) of UTF-8 JSON. ` +
  'No string and no property name anywhere in it, unknown fields included, may contain U+0000 (NUL) or an unpaired surrogate (e.g. the escape \\ud800 alone).';

/** The CloudEvent envelope of one type, its `data` a reference to the type's data class. */
function envelopeSchema(type: EventType, refPrefix: string): JsonObject {
  const envelope = classSchemas(CloudEvent, refPrefix).CloudEvent;
  const properties = envelope.properties as JsonObject;
  const { dataClass, description } = EventRegistry[type];
  return canonical({
    ...envelope,
    description: `${description} A CloudEvents 1.0 event in structured JSON mode. ${MESSAGE_RULES}`,
    properties: {
      ...properties,
      type: { type: 'string', const: type },
      data: { $ref: `${refPrefix}${dataClass.name}` },
    },
  }) as JsonObject;
}

// ---------------------------------------------------------------- JSON Schema per type

function eventJsonSchema(type: EventType): JsonObject {
  const refPrefix = '#/definitions/';
  const { dataClass } = EventRegistry[type];
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${type}.schema.json`,
    title: type,
    ...envelopeSchema(type, refPrefix),
    definitions: sortedKeys(classSchemas(dataClass, refPrefix)),
  };
}

// ---------------------------------------------------------------- AsyncAPI

const camel = (dotted: string) =>
  dotted.split(/[.\-_]/).map((part, i) => (i === 0 ? part : part[0].toUpperCase() + part.slice(1))).join('');
const pascal = (dotted: string) => camel(dotted)[0].toUpperCase() + camel(dotted).slice(1);

const channelIdOf = (topic: string) => camel(topic);
const messageIdOf = (type: EventType) => camel(type);
const envelopeSchemaNameOf = (type: EventType) => `${pascal(type)}CloudEvent`;
const deadLetterMessageIdOf = (topic: TopicName) => `${camel(topic)}DeadLetter`;

const TOPIC_DESCRIPTIONS: Record<TopicName, string> = {
  [Topics.ViolationsDetectedV1]:
    'Violations detected by platform systems (listing audit, IP-complaint handling, logistics monitoring, risk control).',
  [Topics.MerchantsProfilesV1]: 'Merchant profiles published by platform systems.',
  [Topics.PenaltiesAssessedV1]: 'Points assessed for violations, and later adjustments of those points.',
  [Topics.SanctionsDecidedV1]: 'Sanctions imposed on merchants and lifted.',
  [Topics.NotificationsSentV1]: 'Notifications sent to merchants.',
  [Topics.RemediesUpdatedV1]: "The merchant's remedies after each change: appeals, exam chances, the deposit, forgery cases (whole state in each event).",
  [Topics.RulesVersionsV1]:
    'Internal. Every marketplace\'s rulebook versions, whole, after each change (compacted: the latest of each key is kept; key and subject <marketplace>/<versionId>). Every service reads it whole before it reports ready, and judges a violation by the version in force at its occurredAt for its marketplace.',
};

const merchantKey = (): JsonObject => ({
  type: 'string',
  minLength: 1,
  maxLength: MERCHANT_ID_MAX_LENGTH,
  description:
    "The merchant id, equal to the CloudEvent subject: one merchant's events stay in order on one partition.",
});

const versionKey = (): JsonObject => ({
  type: 'string',
  // The two patterns of the domain, joined by the '/' between them.
  pattern: `${MARKETPLACE_PATTERN.source.replace(/\$$/, '')}/${RULEBOOK_VERSION_ID_PATTERN.source.replace(/^\^/, '')}`,
  description: '<marketplace>/<versionId>, equal to the CloudEvent subject: compaction keeps the latest state of each version.',
});

const kafkaMessageBinding = (topic?: TopicName): JsonObject => ({
  kafka: { key: topic === Topics.RulesVersionsV1 ? versionKey() : merchantKey(), bindingVersion: KAFKA_BINDING_VERSION },
});

const kafkaChannelBinding = (topic: string): JsonObject => ({
  kafka: {
    topic,
    ...((COMPACTED_TOPICS as readonly string[]).includes(topic) ? { topicConfiguration: { 'cleanup.policy': ['compact'] } } : {}),
    bindingVersion: KAFKA_BINDING_VERSION,
  },
});

function eventMessage(type: EventType): JsonObject {
  const { description } = EventRegistry[type];
  return {
    name: type,
    title: type,
    summary: description,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    headers: { $ref: '#/components/schemas/CloudEventKafkaHeaders' },
    payload: { $ref: `#/components/schemas/${envelopeSchemaNameOf(type)}` },
    bindings: kafkaMessageBinding(EventRegistry[type].topic),
    examples: [
      {
        name: 'golden',
        summary: `The golden fixture of ${type}.`,
        headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
        payload: goldenFixture(type) as JsonObject,
      },
    ],
  };
}

function deadLetterMessage(topic: TopicName): JsonObject {
  const digits = (description: string): JsonObject => ({ type: 'string', pattern: '^[0-9]+$', description });
  return {
    name: deadLetterTopicOf(topic),
    title: `Dead letter of ${topic}`,
    summary: `A message of ${topic} that could not be processed; the consumer moved on.`,
    description:
      'Key and value are those of the original message, byte for byte (the value may not even be JSON); the headers say why it was dead-lettered.',
    headers: {
      type: 'object',
      properties: {
        [DeadLetterHeaders.Reason]: {
          type: 'string',
          description: 'Why the message was dead-lettered.',
          examples: [...DeadLetterReasons],
        },
        [DeadLetterHeaders.Message]: { type: 'string', description: 'A human-readable explanation, e.g. the invalid fields.' },
        [DeadLetterHeaders.Code]: {
          type: 'string',
          description: 'When the domain rejected the event: its error code, e.g. VIOLATION.SCENARIO_CODE_MISMATCH.',
        },
        [DeadLetterHeaders.SourceTopic]: { type: 'string', const: topic },
        [DeadLetterHeaders.SourcePartition]: digits('Partition of the original message (decimal).'),
        [DeadLetterHeaders.SourceOffset]: digits('Offset of the original message (decimal).'),
        [DeadLetterHeaders.At]: { type: 'string', format: 'date-time', description: 'When it was dead-lettered.' },
      },
      required: [...REQUIRED_DEAD_LETTER_HEADERS].sort(),
    },
    payload: { description: 'The original message value, unchanged.' },
    bindings: kafkaMessageBinding(),
  };
}

function asyncApiDocument(): JsonObject {
  const channels: JsonObject = {};
  const operations: JsonObject = {};
  const messages: JsonObject = {};
  const channelRef = (id: string) => ({ $ref: `#/channels/${id}` });
  const messageRef = (channelId: string, messageId: string) => ({
    $ref: `#/channels/${channelId}/messages/${messageId}`,
  });

  for (const topic of topics()) {
    const channelId = channelIdOf(topic);
    const types = eventTypesOn(topic);
    channels[channelId] = {
      address: topic,
      title: topic,
      description: TOPIC_DESCRIPTIONS[topic],
      messages: Object.fromEntries(
        types.map((type) => [messageIdOf(type), { $ref: `#/components/messages/${messageIdOf(type)}` }]),
      ),
      bindings: kafkaChannelBinding(topic),
    };
    for (const type of types) messages[messageIdOf(type)] = eventMessage(type);
    const inbound = TopicDirections[topic] === 'in';
    operations[`${inbound ? 'receive' : 'send'}${pascal(topic)}`] = {
      action: inbound ? 'receive' : 'send',
      channel: channelRef(channelId),
      summary: inbound
        ? `The platform consumes ${topic}; what it cannot process goes to ${deadLetterTopicOf(topic)}.`
        : `The platform publishes ${topic}.`,
      messages: types.map((type) => messageRef(channelId, messageIdOf(type))),
    };
  }

  for (const topic of INBOUND_TOPICS) {
    const dlq = deadLetterTopicOf(topic);
    const channelId = channelIdOf(dlq);
    const messageId = deadLetterMessageIdOf(topic);
    channels[channelId] = {
      address: dlq,
      title: dlq,
      description: `Dead-letter topic of ${topic}.`,
      messages: { [messageId]: { $ref: `#/components/messages/${messageId}` } },
      bindings: kafkaChannelBinding(dlq),
    };
    messages[messageId] = deadLetterMessage(topic);
    operations[`send${pascal(dlq)}`] = {
      action: 'send',
      channel: channelRef(channelId),
      summary: `The platform dead-letters messages of ${topic} that it cannot process.`,
      messages: [messageRef(channelId, messageId)],
    };
  }

  const refPrefix = '#/components/schemas/';
  const schemas: Record<string, JsonObject> = {
    CloudEventKafkaHeaders: {
      type: 'object',
      properties: { 'content-type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE } },
      required: ['content-type'],
    },
  };
  for (const type of eventTypes()) {
    schemas[envelopeSchemaNameOf(type)] = envelopeSchema(type, refPrefix);
    Object.assign(schemas, classSchemas(EventRegistry[type].dataClass, refPrefix));
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Penalty platform events',
      version: '1.0.0',
      description:
        'Kafka topics of the penalty platform. Every message value is a CloudEvents 1.0 event in structured JSON mode and its key is the merchant id. Unknown fields are ignored; a breaking change adds a new type and topic (…v2). Operations are seen from the platform.',
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    channels,
    operations,
    components: { schemas: sortedKeys(schemas), messages },
  };
}

// ---------------------------------------------------------------- helpers

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Recursively sorted object keys (array order kept: enums read in domain order). */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  }
  return value as Json;
}
