import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { formatShanghai } from '@penalty/domain';
import { Requires } from '@penalty/auth';
import { ProblemException } from '@penalty/runtime';
import { readAuditTrail, readRecentAudit } from './audit-trail';

function limitOf(limit: string | undefined): number {
  const max = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(max) || max < 1 || max > 500) throw ProblemException.validation([{ field: 'limit', message: 'must be a whole number from 1 to 500' }]);
  return max;
}

/** Every service's audit trail (who changed what, when, why), read where it was written. */
@ApiTags('audit')
@Controller('v1')
export class AuditTrailController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('merchants/:merchantId/audit')
  @Requires('viewer')
  @ApiOperation({ summary: "The merchant's audit trail in this service, newest first" })
  async merchantTrail(@Param('merchantId') merchantId: string, @Query('limit') limit?: string): Promise<{ merchantId: string; items: object[] }> {
    const items = await readAuditTrail(this.dataSource.manager, merchantId, limitOf(limit));
    return { merchantId, items: items.map((e) => ({ ...e, occurredAt: formatShanghai(e.occurredAt) })) };
  }

  @Get('audit')
  @Requires('admin')
  @ApiOperation({ summary: "This service's whole audit trail (operators, API keys, replays and every merchant's), newest first; optionally one actor's" })
  async recent(@Query('limit') limit?: string, @Query('actor') actor?: string): Promise<{ items: object[] }> {
    if (actor !== undefined && (actor.length === 0 || actor.length > 200)) throw ProblemException.validation([{ field: 'actor', message: 'must be 1 to 200 characters' }]);
    const items = await readRecentAudit(this.dataSource.manager, limitOf(limit), actor);
    return { items: items.map((e) => ({ ...e, occurredAt: formatShanghai(e.occurredAt) })) };
  }
}
