import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Length, Matches, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { DataSource } from 'typeorm';
import { Requires } from '@penalty/auth';
import type { Clock } from '@penalty/domain';
import { appendToOutbox, TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { Actor, CLOCK, ProblemException, validRequest, ApiListOkResponse } from '@penalty/runtime';

export class DeadLetterRef {
  @ApiProperty() @IsString() @Length(1, 300) topic: string;
  // Kafka's partitions are int32 and its offsets int64 (integer and bigint columns): anything else is
  // a 400 here, not a database error (schemathesis found the 500).
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 2147483647 }) @IsInt() @Min(0) @Max(2147483647) partition: number;
  @ApiProperty({ description: 'Kafka offset, as a string of digits', pattern: '^(0|[1-9][0-9]{0,17})$' }) @IsString() @Matches(/^(0|[1-9][0-9]{0,17})$/, { message: 'offset must be a Kafka offset: digits, at most 18' }) offset: string;
}

export class ReplayRequest {
  @ApiProperty({ type: [DeadLetterRef], maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => DeadLetterRef)
  deadLetters: DeadLetterRef[];

  @ApiProperty({ description: 'What was fixed (kept in the audit trail)', minLength: 3 })
  @IsString()
  @MinLength(3)
  reason: string;
}

interface DeadLetterRow {
  topic: string;
  partition: number;
  offset: string;
  message_key: string | null;
  value: string;
  reason: string;
  message: string;
  source_topic: string;
  dead_at: Date;
  replayed_at: Date | null;
  replayed_by: string | null;
}

/** A dead letter as the list answers it. */
export class DeadLetterDto {
  @ApiProperty({ description: 'The dead-letter topic (<topic>.dlq)' }) topic: string;
  @ApiProperty({ type: 'integer' }) partition: number;
  @ApiProperty({ description: 'Kafka offset, as a string' }) offset: string;
  @ApiProperty({ type: String, nullable: true }) key: string | null;
  @ApiProperty({ description: 'The original message value' }) value: string;
  @ApiProperty({ description: 'Why its consumer refused it (x-dlq-reason)' }) reason: string;
  @ApiProperty() message: string;
  @ApiProperty() sourceTopic: string;
  @ApiProperty({ format: 'date-time' }) deadAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) replayedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) replayedBy: string | null;
}

export class ReplayResultDto {
  @ApiProperty({ description: 'Dead letters published to their source topic again by this request' }) replayed: number;
  @ApiProperty({ description: 'Dead letters of the request that had been replayed before (not again)' }) alreadyReplayed: number;
}

@ApiTags('operations')
@Controller('v1/ops/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters of every topic, newest first, with the reason their consumer gave' })
  @ApiQuery({ name: 'topic', required: false, description: 'Only the dead letters of this topic', schema: { type: 'string' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } })
  @ApiListOkResponse(DeadLetterDto)
  async list(@Query('topic') topic?: string, @Query('limit') limit = '200'): Promise<{ items: DeadLetterDto[] }> {
    const max = Number(limit);
    if (!Number.isInteger(max) || max < 1 || max > 1000) throw ProblemException.validation([{ field: 'limit', message: 'must be a whole number from 1 to 1000' }]);
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT * FROM dead_letter WHERE ($1::text IS NULL OR topic = $1) ORDER BY dead_at DESC, topic, partition, "offset" DESC LIMIT $2`,
      [topic ?? null, max],
    );
    return {
      items: rows.map((r) => ({
        topic: r.topic, partition: r.partition, offset: String(r.offset), key: r.message_key, value: r.value, reason: r.reason, message: r.message,
        sourceTopic: r.source_topic, deadAt: new Date(r.dead_at).toISOString(), replayedAt: r.replayed_at ? new Date(r.replayed_at).toISOString() : null, replayedBy: r.replayed_by,
      })),
    };
  }

  /** Publishes each dead letter's original message to its source topic again (through the outbox), once. */
  @Post('replays')
  @Requires('admin')
  @ApiOperation({ summary: 'Replay dead letters to their source topic after a fix (admin). Each is replayed once; audited.' })
  @ApiBody({ type: ReplayRequest })
  @ApiCreatedResponse({ type: ReplayResultDto })
  @ApiNotFoundResponse({ description: 'DEAD_LETTER.NOT_FOUND: no dead letter at that topic, partition and offset' })
  async replay(@Body() body: unknown, @Actor() actor: string): Promise<ReplayResultDto> {
    const request = validRequest(ReplayRequest, body);
    const now = this.clock.now();
    return this.runner.run(async ({ manager }) => {
      let replayed = 0;
      let alreadyReplayed = 0;
      for (const ref of request.deadLetters) {
        const [[row]]: [DeadLetterRow[], number] = await manager.query(
          `UPDATE dead_letter SET replayed_at = $4, replayed_by = $5 WHERE topic = $1 AND partition = $2 AND "offset" = $3 AND replayed_at IS NULL RETURNING *`,
          [ref.topic, ref.partition, ref.offset, now, actor],
        );
        if (!row) {
          const [known] = await manager.query(`SELECT 1 FROM dead_letter WHERE topic = $1 AND partition = $2 AND "offset" = $3`, [ref.topic, ref.partition, ref.offset]);
          if (!known) throw ProblemException.notFound('DEAD_LETTER.NOT_FOUND', `No dead letter ${ref.topic}[${ref.partition}]@${ref.offset}.`);
          alreadyReplayed++;
          continue;
        }
        appendToOutbox(manager, { topic: row.source_topic, key: row.message_key ?? '', value: row.value, headers: { 'content-type': 'application/cloudevents+json', 'x-replayed-from': `${row.topic}[${row.partition}]@${row.offset}` } });
        await recordAudit(manager, {
          actor, action: 'DEAD_LETTER.REPLAY', merchantId: row.message_key ?? '', subjectType: 'DEAD_LETTER', subjectId: `${row.topic}[${row.partition}]@${row.offset}`,
          reason: request.reason, details: { sourceTopic: row.source_topic, deadLetterReason: row.reason }, occurredAt: now,
        });
        replayed++;
      }
      return { replayed, alreadyReplayed };
    });
  }
}
