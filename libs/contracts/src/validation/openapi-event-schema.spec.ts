import 'reflect-metadata';
import Ajv from 'ajv';
import { goldenFixture } from '../golden-fixtures';
import { EventTypes } from '../topics';
import { violationEventOpenApiSchema } from './openapi-event-schema';

const keywordsIn = (node: unknown): string[] =>
  Array.isArray(node) ? node.flatMap(keywordsIn) : node && typeof node === 'object' ? Object.entries(node).flatMap(([k, v]) => [k, ...keywordsIn(v)]) : [];

describe('violationEventOpenApiSchema', () => {
  const schema = violationEventOpenApiSchema();

  it('uses only OpenAPI 3.0 schema keywords: no $ref to definitions, const, $schema/$id or null type', () => {
    const keywords = new Set(keywordsIn(schema));
    for (const keyword of ['$ref', 'definitions', 'const', '$schema', '$id']) expect(keywords.has(keyword)).toBe(false);
    expect(JSON.stringify(schema)).not.toContain('"type":"null"');
  });

  it('accepts the golden violation event and refuses what the contract refuses (ajv reads nullable as OpenAPI does)', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const golden = goldenFixture(EventTypes.ViolationDetectedV1);
    expect(validate(golden)).toBe(true);
    expect(validate({ ...golden, type: 'penalty.assessed.v1' })).toBe(false);
    expect(validate({ ...golden, time: '2026-06-30T23:59:60Z' })).toBe(false);
    expect(validate({ ...golden, data: { ...golden['data'], code: 'NO_SUCH_CODE' } })).toBe(false);
    expect(validate({ ...golden, datacontenttype: null })).toBe(true);
  });
});
