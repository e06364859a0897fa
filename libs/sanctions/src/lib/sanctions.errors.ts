import { ProblemException } from '@penalty/runtime';

/** Every error code of the sanction context (rule refusals keep the domain's own codes). */
export const SANCTION_ERROR_CODES = [
  'SANCTION.NOT_FOUND',
  'SANCTION.NOTHING_TO_LIFT',
  'MERCHANT.NOT_FOUND',
  'DEPOSIT.PAYMENT_ID_REUSED',
  'FORGERY.CASE_NOT_FOUND',
  'FORGERY.CASE_CONFLICT',
  'FORGERY.CLAIMED_BY_ANOTHER',
] as const;
export type SanctionErrorCode = (typeof SANCTION_ERROR_CODES)[number];

function assertUnreachable(code: never): never {
  throw new Error(`unmapped sanction error code ${String(code)}`);
}

/** HTTP status, title, and whether trying again can help: the one mapping of this context's errors. */
function problemOf(code: SanctionErrorCode): { status: number; title: string; retriable: boolean } {
  switch (code) {
    case 'SANCTION.NOT_FOUND':
    case 'MERCHANT.NOT_FOUND':
    case 'FORGERY.CASE_NOT_FOUND':
      return { status: 404, title: 'Not found', retriable: false };
    case 'SANCTION.NOTHING_TO_LIFT':
      return { status: 409, title: 'Nothing to lift', retriable: false };
    case 'DEPOSIT.PAYMENT_ID_REUSED':
      return { status: 409, title: 'Payment id reused', retriable: false };
    // One reviewer per submitted remediation: the holder reviews it, or releases it first.
    case 'FORGERY.CLAIMED_BY_ANOTHER':
      return { status: 409, title: 'Claimed by another reviewer', retriable: false };
    // Another writer opened a case for the same violation, or numbered one of the merchant's the same, meanwhile: applying again sees it.
    case 'FORGERY.CASE_CONFLICT':
      return { status: 409, title: 'Conflict', retriable: true };
    default:
      return assertUnreachable(code);
  }
}

/**
 * An error of the sanction context: answered as RFC 9457 problem details by the services' filter, and
 * a non-retriable one thrown for a consumed event dead-letters that event (it is a rejection).
 */
export class SanctionError extends ProblemException {
  declare readonly code: SanctionErrorCode;
  readonly retriable: boolean;

  constructor(code: SanctionErrorCode, detail: string) {
    const problem = problemOf(code);
    super(problem.status, code, problem.title, detail);
    this.retriable = problem.retriable;
  }
}
