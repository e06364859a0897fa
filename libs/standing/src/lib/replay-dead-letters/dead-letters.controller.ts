import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Length, Matches, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { DataSource } from 'typeorm';
import { Requires } from '@penalty/auth';
import { RuleBook, type Clock } from '@penalty/domain';
import { appendToOutbox, TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { ActingFor, Actor, assertActsFor, CLOCK, orderByClause, ProblemException, scopeText, substringPattern, TablePageDto, totalOfPage, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { DEFAULT_DEAD_LETTER_PAGE, DeadLetterListQuery, type DeadLetterSort } from './dead-letter-list.query';

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

export class DeadLetterPageDto extends TablePageDto {
  @ApiProperty({ type: [DeadLetterDto] }) items: DeadLetterDto[];
}

const DEAD_LETTER_SORT_COLUMNS: Record<DeadLetterSort, string> = {
  deadAt: 'dead_at',
  sourceTopic: 'source_topic',
  reason: 'reason',
  key: 'message_key',
  replayedAt: 'replayed_at',
};

export class ReplayResultDto {
  @ApiProperty({ description: 'Dead letters published to their source topic again by this request' }) replayed: number;
  @ApiProperty({ description: 'Dead letters of the request that had been replayed before (not again)' }) alreadyReplayed: number;
}

/**
 * A dead letter's marketplace: that of the merchant its key names (the profile's, else `defaultParam`,
 * the deployment's default), as merchant search has it. A dead letter without a key is no merchant's.
 */
const marketplaceOfDeadLetter = (defaultParam: string) =>
  `coalesce((SELECT p.marketplace FROM standing_profile p WHERE p.merchant_id = dead_letter.message_key), ${defaultParam})`;

@ApiTags('operations')
@Controller('v1/ops/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
  ) {}

  @Get()
  @ApiOperation({ summary: "Dead letters of every topic with the reason their consumer gave, newest first unless sorted; filtered and paged. An operator whose roles are for some marketplaces sees those of their merchants only" })
  @ApiOkResponse({ type: DeadLetterPageDto })
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID: a filter, sort key, order, limit or offset out of bounds, each field named' })
  async list(@Query() raw: Record<string, unknown>, @ActingFor() scope?: MarketplaceScope): Promise<DeadLetterPageDto> {
    const query = validRequest(DeadLetterListQuery, raw);
    const sort = query.sort ?? 'deadAt';
    const order = query.order ?? (sort === 'deadAt' || sort === 'replayedAt' ? 'desc' : 'asc');
    const limit = query.limit ?? DEFAULT_DEAD_LETTER_PAGE;
    const offset = query.offset ?? 0;
    const values: unknown[] = [];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const where: string[] = [];
    if (query.topic !== undefined) where.push(`topic = ${bind(query.topic)}`);
    if (query.sourceTopic !== undefined) where.push(`source_topic = ${bind(query.sourceTopic)}`);
    if (query.reason !== undefined) where.push(`reason = ${bind(query.reason)}`);
    if (query.replayed !== undefined) where.push(query.replayed === 'yes' ? 'replayed_at IS NOT NULL' : 'replayed_at IS NULL');
    // An operator whose roles are for some marketplaces sees their merchants' dead letters only (none without a key).
    if (scope !== undefined) where.push(`message_key IS NOT NULL AND ${marketplaceOfDeadLetter(bind(this.rules.defaultMarketplace))} = ANY(${bind(scope)}::text[])`);
    if (query.query) {
      const pattern = bind(substringPattern(query.query));
      where.push(`(message_key ILIKE ${pattern} OR message ILIKE ${pattern})`);
    }
    const text = (pageLimit: number, pageOffset: number) => `
      SELECT *, count(*) OVER ()::int AS total FROM dead_letter
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ${orderByClause(DEAD_LETTER_SORT_COLUMNS, sort, order, ['dead_at DESC', 'topic', 'partition', '"offset" DESC'])}
      LIMIT ${pageLimit} OFFSET ${pageOffset}`;
    const rows: (DeadLetterRow & { total: number })[] = await this.dataSource.query(text(limit, offset), values);
    const total = await totalOfPage(rows, offset, async () => {
      const [first]: { total: number }[] = await this.dataSource.query(text(1, 0), values);
      return first?.total ?? 0;
    });
    return {
      items: rows.map((r) => ({
        topic: r.topic, partition: r.partition, offset: String(r.offset), key: r.message_key, value: r.value, reason: r.reason, message: r.message,
        sourceTopic: r.source_topic, deadAt: new Date(r.dead_at).toISOString(), replayedAt: r.replayed_at ? new Date(r.replayed_at).toISOString() : null, replayedBy: r.replayed_by,
      })),
      total, limit, offset,
    };
  }

  /** Publishes each dead letter's original message to its source topic again (through the outbox), once. */
  @Post('replays')
  @Requires('admin')
  @ApiOperation({ summary: 'Replay dead letters to their source topic after a fix (admin). Each is replayed once; audited.' })
  @ApiBody({ type: ReplayRequest })
  @ApiCreatedResponse({ type: ReplayResultDto })
  @ApiNotFoundResponse({ description: 'DEAD_LETTER.NOT_FOUND: no dead letter at that topic, partition and offset' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: a dead letter of another marketplace's merchant, or of none, for an admin whose roles are for some marketplaces (nothing is replayed)" })
  async replay(@Body() body: unknown, @Actor() actor: string, @ActingFor() scope?: MarketplaceScope): Promise<ReplayResultDto> {
    const request = validRequest(ReplayRequest, body);
    if (scope !== undefined) await this.assertInScope(request.deadLetters, scope);
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

  /** Refuses the whole replay when any known dead letter is another marketplace's merchant's, or no merchant's (unknown ones are the transaction's 404). */
  private async assertInScope(refs: readonly DeadLetterRef[], scope: readonly string[]): Promise<void> {
    const rows: { topic: string; partition: number; offset: string; message_key: string | null; marketplace: string }[] = await this.dataSource.query(
      `SELECT topic, partition, "offset"::text AS "offset", message_key, ${marketplaceOfDeadLetter('$1')} AS marketplace
         FROM dead_letter JOIN unnest($2::text[], $3::int[], $4::bigint[]) AS r (topic, partition, "offset") USING (topic, partition, "offset")`,
      [this.rules.defaultMarketplace, refs.map((r) => r.topic), refs.map((r) => r.partition), refs.map((r) => r.offset)],
    );
    for (const row of rows) {
      const what = `Dead letter ${row.topic}[${row.partition}]@${row.offset}`;
      if (row.message_key === null) throw new ProblemException(403, 'AUTH.MARKETPLACE_FORBIDDEN', 'Forbidden', `${what} names no merchant; only an operator of every marketplace replays it (your roles are for ${scopeText(scope)}).`);
      assertActsFor(scope, row.marketplace, what);
    }
  }
}
