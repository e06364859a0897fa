import 'reflect-metadata';
import { ProblemException, validRequest } from '@penalty/runtime';
import { ReplayRequest } from './dead-letters.controller';

const request = (ref: object) => ({ deadLetters: [{ topic: 'violations.detected.v1.dlq', partition: 0, offset: '42', ...ref }], reason: 'fixed the parser' });

function fieldsRefused(body: object): string[] {
  try {
    validRequest(ReplayRequest, body);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    return ((error as ProblemException).errors ?? []).map((e) => e.field);
  }
}

// The references are compared with integer (partition) and bigint (offset) columns: a value those
// cannot hold made PostgreSQL fail the statement, a 500 (found by schemathesis). Now a 400 naming it.
describe('ReplayRequest', () => {
  it('takes a dead letter reference as Kafka has them', () => {
    expect(fieldsRefused(request({}))).toEqual([]);
    expect(fieldsRefused(request({ partition: 2147483647, offset: '999999999999999999' }))).toEqual([]);
  });

  it('refuses a partition past int32 and an offset that is not an int64 of digits', () => {
    expect(fieldsRefused(request({ partition: 2164286930047089 }))).toEqual(['deadLetters.0.partition']);
    for (const offset of ['U\u00b6\u00f6', '-1', '1.5', '01', '9999999999999999999']) expect(fieldsRefused(request({ offset }))).toEqual(['deadLetters.0.offset']);
  });
});
