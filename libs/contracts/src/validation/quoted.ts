// Values quoted in parse failure messages end up in a Kafka header (x-dlq-message), logs and the
// api's dead_letter table: JSON quoting escapes NUL and unpaired surrogates, and the length is
// bounded so that a 200 KB "code" cannot make a dead-letter header larger than the message itself.
const MAX_QUOTED_LENGTH = 80;

/** A value as JSON text, shortened to a readable length (`"abc…"`). */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' && value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
  return JSON.stringify(text) ?? String(text);
}

/** Text with control characters and unpaired surrogates escaped as in JSON (`\u0000`), unquoted. */
export function escapedText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
