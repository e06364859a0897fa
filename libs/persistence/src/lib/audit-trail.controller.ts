import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { formatShanghai } from '@penalty/domain';
import { Requires } from '@penalty/auth';
import { TablePageDto, validRequest } from '@penalty/runtime';
import { readAuditPage, type RecordedAuditEntry } from './audit-trail';
import { AuditTrailQuery, DEFAULT_AUDIT_PAGE } from './audit-trail.query';

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

export class AuditPageDto extends TablePageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
}

export class MerchantAuditPageDto extends AuditPageDto {
  @ApiProperty() merchantId: string;
}

const entryOf = (e: RecordedAuditEntry): AuditEntryDto => ({ ...e, occurredAt: formatShanghai(e.occurredAt) });

/** The request's filters, sort (newest first by default; names A to Z) and page. */
function pageRequest(query: AuditTrailQuery) {
  const sort = query.sort ?? 'occurredAt';
  return {
    actor: query.actor, action: query.action, subjectType: query.subjectType, query: query.query,
    sort, order: query.order ?? (sort === 'occurredAt' ? 'desc' : 'asc'), limit: query.limit ?? DEFAULT_AUDIT_PAGE, offset: query.offset ?? 0,
  } as const;
}

/** Every service's audit trail (who changed what, when, why), read where it was written. */
@ApiTags('audit')
@ApiBadRequestResponse({ description: 'REQUEST.INVALID: a filter, sort key, order, limit or offset out of bounds, each field named' })
@Controller('v1')
export class AuditTrailController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('merchants/:merchantId/audit')
  @Requires('viewer')
  @ApiOperation({ summary: "The merchant's audit trail in this service, newest first unless sorted; filtered and paged" })
  @ApiOkResponse({ type: MerchantAuditPageDto })
  async merchantTrail(@Param('merchantId') merchantId: string, @Query() raw: Record<string, unknown>): Promise<MerchantAuditPageDto> {
    const request = pageRequest(validRequest(AuditTrailQuery, raw));
    const { items, total } = await readAuditPage(this.dataSource.manager, { ...request, merchantId });
    return { merchantId, items: items.map(entryOf), total, limit: request.limit, offset: request.offset };
  }

  @Get('audit')
  @Requires('admin')
  @ApiOperation({ summary: "This service's whole audit trail (operators, API keys, replays and every merchant's), newest first unless sorted; filtered and paged" })
  @ApiOkResponse({ type: AuditPageDto })
  async recent(@Query() raw: Record<string, unknown>): Promise<AuditPageDto> {
    const request = pageRequest(validRequest(AuditTrailQuery, raw));
    const { items, total } = await readAuditPage(this.dataSource.manager, request);
    return { items: items.map(entryOf), total, limit: request.limit, offset: request.offset };
  }
}
