import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A message of a `<topic>.dlq` topic, as kept for operators to browse and replay. */
export interface DeadLetterRow {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  reason: string;
  message: string;
  sourceTopic: string;
  deadAt: Date;
}

// PostgreSQL text and jsonb cannot hold U+0000, which an unparseable message may carry: it is kept as U+FFFD.
const storable = (text: string) => (text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text);

/** The SQL that collects dead letters into dead_letter (the replay route reads and marks them). */
@Injectable()
export class DeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Keeps each message once, by its position (topic, partition, offset): a redelivered batch adds nothing. One statement. */
  async recordAll(rows: readonly DeadLetterRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO dead_letter (topic, partition, "offset", message_key, value, headers, reason, message, source_topic, dead_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.topic), rows.map((r) => r.partition), rows.map((r) => r.offset), rows.map((r) => (r.key === null ? null : storable(r.key))), rows.map((r) => storable(r.value)),
        rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [storable(k), storable(v)])))), rows.map((r) => storable(r.reason)), rows.map((r) => storable(r.message)), rows.map((r) => storable(r.sourceTopic)), rows.map((r) => r.deadAt),
      ],
    );
  }
}
