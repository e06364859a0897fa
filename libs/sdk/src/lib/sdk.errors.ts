import type { FieldViolation, ParseFailureReason } from '@penalty/contracts';

/** One invalid field: `field` is a dotted path from the envelope root (`data.evidence.0.sha256`). */
export type SdkFieldViolation = FieldViolation;

/** Base of every error the SDK throws; `retriable` says whether trying again may help. */
export abstract class PenaltySdkError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;
}

/**
 * An event the contract refuses, found before it leaves the producer: the reason (as the platform's
 * dead-letter topic or `400` would give it) and every invalid field with its path.
 */
export class EventValidationError extends PenaltySdkError {
  readonly code = 'SDK.EVENT_INVALID';
  readonly retriable = false;

  constructor(
    readonly reason: ParseFailureReason,
    readonly violations: readonly SdkFieldViolation[],
    message: string,
  ) {
    super(message);
    this.name = 'EventValidationError';
  }

  /** The invalid field paths, e.g. `['data.code', 'subject']`. */
  get fields(): string[] {
    return this.violations.map((v) => v.field);
  }
}

/** An HTTP answer that is not a success, after any retries: its status and RFC 9457 problem, if any. */
export class PenaltyApiError extends PenaltySdkError {
  readonly code = 'SDK.HTTP_ERROR';

  constructor(
    readonly status: number,
    readonly problem: { type?: string; title?: string; code?: string; detail?: string; errors?: { field: string; message: string }[] } | undefined,
    /** How many requests were made (1 + retries). */
    readonly attempts: number,
  ) {
    super(`HTTP ${status}${problem?.code ? ` ${problem.code}` : ''}${problem?.detail ? `: ${problem.detail}` : problem?.title ? `: ${problem.title}` : ''}`);
    this.name = 'PenaltyApiError';
  }

  /** 429 and 5xx: the request may succeed later (ingestion is idempotent by event id). */
  get retriable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}
