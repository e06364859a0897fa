import { isRejection } from '@penalty/messaging';
import { SANCTION_ERROR_CODES, SanctionError } from './sanctions.errors';

describe('sanction errors', () => {
  it.each(SANCTION_ERROR_CODES)('%s maps to a problem status and says whether retrying can help', (code) => {
    const error = new SanctionError(code, 'detail');
    expect([404, 409]).toContain(error.status);
    expect(typeof error.retriable).toBe('boolean');
    // A consumed event that meets a non-retriable one is dead-lettered; a retriable one is applied again.
    expect(isRejection(error)).toBe(!error.retriable);
  });
});
