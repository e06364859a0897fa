import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCHEMAS_DIR, generateContractFiles } from './generation/contract-documents';
import { EventTypes } from './index';

const repoRoot = resolve(__dirname, '../../..');
const REGENERATE = 'node -r @swc-node/register tools/contracts/generate-contracts.ts';

describe('generated contract (libs/contracts/generated)', () => {
  const files = generateContractFiles();

  it.each(Object.keys(files))(`%s is up to date (else run: ${REGENERATE})`, (path) => {
    const absolute = join(repoRoot, path);
    expect(existsSync(absolute)).toBe(true);
    expect(readFileSync(absolute, 'utf8')).toBe(files[path]);
  });

  it('has no schema left over from a removed type', () => {
    const onDisk = readdirSync(join(repoRoot, SCHEMAS_DIR)).map((name) => `${SCHEMAS_DIR}/${name}`);
    expect(onDisk.sort()).toEqual(Object.keys(files).filter((p) => p.startsWith(SCHEMAS_DIR)).sort());
  });

  it('is deterministic', () => {
    expect(generateContractFiles()).toEqual(files);
  });

  it('has a JSON Schema per CloudEvent type, with the enums of the vocabulary', () => {
    for (const type of Object.values(EventTypes)) {
      expect(files).toHaveProperty([`${SCHEMAS_DIR}/${type}.schema.json`]);
    }
    const schema = JSON.parse(files[`${SCHEMAS_DIR}/violation.detected.v1.schema.json`]);
    expect(schema.properties.type).toEqual({ type: 'string', const: 'violation.detected.v1' });
    expect(schema.definitions.ViolationDetectedV1.properties.code.enum).toContain('QUALIFICATION_FORGERY');
    // Optional fields may also be null (class-validator's IsOptional skips null): anyOf [schema, null].
    expect(schema.definitions.ViolationDetectedV1.properties.itemIds.anyOf[0].maxItems).toBe(1000);
    expect(schema.definitions.ViolationDetectedV1.properties.itemIds.anyOf[1]).toEqual({ type: 'null' });
    expect(schema.definitions.ViolationEvidenceV1.properties.sha256.pattern).toBe('^[0-9a-fA-F]{64}$');
  });

  it('describes every topic and the dead-letter topics in AsyncAPI 3.0', () => {
    const doc = JSON.parse(files['libs/contracts/generated/asyncapi.json']);
    expect(doc.asyncapi).toBe('3.0.0');
    const addresses = Object.values(doc.channels).map((c: any) => c.address);
    expect(addresses).toEqual(
      expect.arrayContaining([
        'violations.detected.v1',
        'violations.detected.v1.dlq',
        'merchants.profiles.v1',
        'merchants.profiles.v1.dlq',
        'penalties.assessed.v1',
        'sanctions.decided.v1',
        'notifications.sent.v1',
      ]),
    );
    for (const message of Object.values(doc.components.messages) as any[]) {
      expect(message.bindings.kafka.key.type).toBe('string');
    }
    expect(doc.components.messages.violationDetectedV1.contentType).toBe('application/cloudevents+json');
    expect(doc.operations.receiveViolationsDetectedV1.action).toBe('receive');
    expect(doc.operations.sendSanctionsDecidedV1.action).toBe('send');
    expect(doc.components.messages.violationsDetectedV1DeadLetter.headers.required).toEqual([
      'x-dlq-message',
      'x-dlq-reason',
      'x-dlq-source-offset',
      'x-dlq-source-partition',
      'x-dlq-source-topic',
    ]);
  });
});
