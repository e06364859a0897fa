// Why parseCloudEvent refuses a message; also the first dead-letter reasons (dead-letter.ts).
// Kept apart from the parser so that the contract generator can list them without loading the
// compiled validators (which read the files it writes).

export const ParseFailureReasons = [
  'UNPARSEABLE',
  'TOO_LARGE',
  'ENVELOPE_INVALID',
  'UNKNOWN_TYPE',
  'DATA_INVALID',
  'UNKNOWN_VIOLATION_CODE',
] as const;
export type ParseFailureReason = (typeof ParseFailureReasons)[number];

/** The contract's limit on a message value (events.md): 256 KiB of UTF-8 JSON. */
export const MAX_MESSAGE_BYTES = 262_144;

/** One invalid field; `field` is a dotted path from the envelope root (`data.evidence.0.sha256`). */
export interface FieldViolation {
  field: string;
  message: string;
}

export type ParseFailure = {
  ok: false;
  reason: ParseFailureReason;
  message: string;
  violations: FieldViolation[];
};
