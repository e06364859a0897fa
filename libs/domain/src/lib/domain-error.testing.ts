// Test helpers for the domain's specs (not exported by the lib): how a rule's refusal is asserted.
import { DomainError } from './domain-error';

/** Matches a DomainError with this code, e.g. `expect(() => decide()).toThrow(refusal('APPEAL.WINDOW_CLOSED'))`. */
export const refusal = (code: string) => expect.objectContaining({ code });

/** The code of the DomainError `fn` throws (failing on any other error), or undefined when it does not throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
  return undefined;
}

/** An instant `ms` milliseconds after another: the first moment past a boundary. */
export const after = (instant: Date, ms = 1) => new Date(instant.getTime() + ms);
