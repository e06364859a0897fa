// Parsing and validating one Kafka message value: the class-validator parser that consumers used
// (plainToInstance + validateSync) against parseCloudEvent's validators compiled by ajv from the
// generated JSON Schemas. Prints figures; asserts nothing.
//   node -r @swc-node/register libs/contracts/bench/parse-cloud-event.bench.ts [seconds per case]
import { performance } from 'node:perf_hooks';
import { EventTypes, goldenFixture, parseCloudEvent, type ParseResult } from '../src/index';
import { parseWithClassValidator } from '../src/validation/class-validator-reference.testing';

type Parser = (raw: unknown) => ParseResult;

const secondsPerCase = Number(process.argv[2] ?? 2);

function violationWith(change: (data: Record<string, any>) => void): Buffer {
  const event = goldenFixture(EventTypes.ViolationDetectedV1);
  change(event.data);
  return Buffer.from(JSON.stringify(event), 'utf8');
}

const cases: Array<{ name: string; value: Buffer; valid: boolean }> = [
  { name: 'golden violation.detected.v1', value: violationWith(() => undefined), valid: true },
  {
    name: 'violation with 1,000 itemIds',
    value: violationWith((data) => (data.itemIds = Array.from({ length: 1000 }, (_, i) => `item-${String(i).padStart(6, '0')}`))),
    valid: true,
  },
  {
    name: 'invalid violation (3 bad fields)',
    value: violationWith((data) => {
      data.severity = 'CATASTROPHIC';
      data.occurredAt = '2016-12-31T23:59:60Z';
      data.evidence[0].sha256 = 'abc';
    }),
    valid: false,
  },
];

const parsers: Array<{ name: string; parse: Parser }> = [
  { name: 'class-validator (old)', parse: parseWithClassValidator },
  { name: 'ajv, compiled (new)', parse: parseCloudEvent },
];

/** Messages per second over about `seconds`, after a warm-up. */
function measure(parse: Parser, value: Buffer, seconds: number): { perSecond: number; microseconds: number } {
  for (let i = 0; i < 2000; i++) parse(value);
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  let now = started;
  while (now < until) {
    for (let i = 0; i < 200; i++) parse(value);
    count += 200;
    now = performance.now();
  }
  const elapsedMs = now - started;
  return { perSecond: (count / elapsedMs) * 1000, microseconds: (elapsedMs * 1000) / count };
}

function main() {
  // The first message of a type compiles its validator (once per process).
  const coldStart = performance.now();
  parseCloudEvent(cases[0].value);
  const compileMs = performance.now() - coldStart;

  for (const { name, value, valid } of cases) {
    for (const parser of parsers) {
      const result = parser.parse(value);
      if (result.ok !== valid) throw new Error(`${parser.name} on ${name}: ok=${result.ok} (${result.ok ? '' : result.message})`);
    }
  }

  console.log(`node ${process.version}, ${secondsPerCase} s per case; first violation.detected.v1 parsed (validator compiled) in ${compileMs.toFixed(1)} ms`);
  const rows: string[][] = [['message', 'bytes', 'parser', 'messages/s', 'µs/message', 'speed-up']];
  for (const { name, value } of cases) {
    let baseline = 0;
    for (const parser of parsers) {
      const { perSecond, microseconds } = measure(parser.parse, value, secondsPerCase);
      baseline ||= perSecond;
      rows.push([name, String(value.byteLength), parser.name, Math.round(perSecond).toLocaleString('en-US'), microseconds.toFixed(1), `${(perSecond / baseline).toFixed(1)}×`]);
    }
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
}

main();
