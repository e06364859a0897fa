/** A rule refuses an input. Never retriable: the same input will be refused again. */
export class DomainError extends Error {
  readonly retriable = false as const;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
