import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { formatShanghai } from '@penalty/domain';
import { Requires } from '@penalty/auth';
import { ApiListOkResponse, ProblemException } from '@penalty/runtime';
import { readAuditTrail, readRecentAudit } from './audit-trail';

function limitOf(limit: string | undefined): number {
  const max = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(max) || max < 1 || max > 500) throw ProblemException.validation([{ field: 'limit', message: 'must be a whole number from 1 to 500' }]);
  return max;
}

/** One entry of an audit trail as the routes answer it. */
export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: "Who: an operator's or a system's identity" }) actor: string;
  @ApiProperty({ description: 'What, as a coded verb, e.g. SANCTION.LIFT' }) action: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() subjectType: string;
  @ApiProperty() subjectId: string;
  @ApiProperty({ description: "Why, in the actor's words" }) reason: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiProperty({ description: 'Asia/Shanghai time, ISO 8601 with offset' }) occurredAt: string;
}

/** Every service's audit trail (who changed what, when, why), read where it was written. */
@ApiTags('audit')
@Controller('v1')
export class AuditTrailController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('merchants/:merchantId/audit')
  @Requires('viewer')
  @ApiOperation({ summary: "The merchant's audit trail in this service, newest first" })
  @ApiListOkResponse(AuditEntryDto, { merchantId: true })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  async merchantTrail(@Param('merchantId') merchantId: string, @Query('limit') limit?: string): Promise<{ merchantId: string; items: object[] }> {
    const items = await readAuditTrail(this.dataSource.manager, merchantId, limitOf(limit));
    return { merchantId, items: items.map((e) => ({ ...e, occurredAt: formatShanghai(e.occurredAt) })) };
  }

  @Get('audit')
  @Requires('admin')
  @ApiOperation({ summary: "This service's whole audit trail (operators, API keys, replays and every merchant's), newest first; optionally one actor's" })
  @ApiListOkResponse(AuditEntryDto)
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  @ApiQuery({ name: 'actor', required: false, description: "Only this actor's entries", schema: { type: 'string', minLength: 1, maxLength: 200 } })
  async recent(@Query('limit') limit?: string, @Query('actor') actor?: string): Promise<{ items: object[] }> {
    if (actor !== undefined && (actor.length === 0 || actor.length > 200)) throw ProblemException.validation([{ field: 'actor', message: 'must be 1 to 200 characters' }]);
    const items = await readRecentAudit(this.dataSource.manager, limitOf(limit), actor);
    return { items: items.map((e) => ({ ...e, occurredAt: formatShanghai(e.occurredAt) })) };
  }
}
