import { isRetriableDatabaseError } from './retriable-error';

describe('isRetriableDatabaseError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01' }, true],
    [{ code: '08006' }, true],
    [{ code: '40001' }, true],
    [{ code: '40P01' }, true],
    [{ driverError: { code: '53300' } }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [{ code: '23505' }, false],
    [{ code: '22P02' }, false],
    [new TypeError('x is undefined'), false],
    [null, false],
  ])('%p -> %p', (error, expected) => {
    expect(isRetriableDatabaseError(error)).toBe(expected);
  });
});
