import { DomainError } from '../domain-error';
import type { RuleDataProblem } from './rule-data-validation';

/** Why a rulebook version, or a request about one, is refused. None is retriable: the same request is refused again. */
export const RULEBOOK_ERROR_CODES = [
  'RULEBOOK.INVALID_RULE_DATA',
  'RULEBOOK.INVALID_VERSION',
  'RULEBOOK.NOT_A_DRAFT',
  'RULEBOOK.NOT_APPROVED',
  'RULEBOOK.FOUR_EYES',
  'RULEBOOK.EFFECTIVE_DATE_PASSED',
  'RULEBOOK.IN_FORCE_IMMUTABLE',
  'RULEBOOK.ALREADY_WITHDRAWN',
  'RULEBOOK.CONTENT_HASH_MISMATCH',
  'RULEBOOK.CONFLICTING_VERSIONS',
  'RULEBOOK.UNKNOWN_MARKETPLACE',
  'RULEBOOK.NO_VERSION_IN_FORCE',
  'RULEBOOK.UNKNOWN_VERSION',
] as const;
export type RulebookErrorCode = (typeof RULEBOOK_ERROR_CODES)[number];

export class RulebookError extends DomainError {
  constructor(
    override readonly code: RulebookErrorCode,
    message: string,
    /** RULEBOOK.INVALID_RULE_DATA: every problem, each naming its field (for problem details). */
    readonly problems: readonly RuleDataProblem[] = [],
  ) {
    super(code, message);
    this.name = 'RulebookError';
  }
}
