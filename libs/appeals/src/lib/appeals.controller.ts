import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AppealSubjectKind } from '@penalty/domain';
import { Requires } from '@penalty/auth';
import { Actor, ProblemException, validRequest, ApiListOkResponse } from '@penalty/runtime';
import { AppealDesk } from './appeal-desk';
import { AppealDto, DecideAppealRequest, FileAppealRequest } from './appeal.requests';

/** URL collections of the decisions that can be appealed; each service serves the ones it owns. */
const COLLECTIONS: Record<string, AppealSubjectKind> = { penalties: 'PENALTY', sanctions: 'SANCTION', 'forgery-cases': 'FORGERY_CASE' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_ID = /^.{1,128}$/su;

@ApiTags('appeals')
@Controller('v1')
export class AppealsController {
  constructor(private readonly desk: AppealDesk) {}

  private kindOf(collection: string): AppealSubjectKind {
    const kind = COLLECTIONS[collection];
    if (!kind || !this.desk.serves(kind)) throw ProblemException.notFound('ROUTE.NOT_FOUND', `No appealable decisions under /v1/${collection}.`);
    return kind;
  }

  @Post(':collection/:subjectId/appeals')
  @ApiOperation({ summary: 'File an appeal against a decision inside its window (penalties: violationId; sanctions: sanctionId; forgery-cases: caseId). Audited.' })
  @ApiParam({ name: 'collection', enum: Object.keys(COLLECTIONS) })
  @Requires('reviewer')
  @ApiCreatedResponse({ type: AppealDto })
  @ApiBody({ type: FileAppealRequest })
  @ApiNotFoundResponse({ description: 'ROUTE.NOT_FOUND (this service keeps no decisions of that collection) or APPEAL.DECISION_NOT_FOUND' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  async file(@Param('collection') collection: string, @Param('subjectId') subjectId: string, @Body() body: unknown, @Actor() actor: string): Promise<AppealDto> {
    const kind = this.kindOf(collection);
    if (!ENTITY_ID.test(subjectId)) throw ProblemException.validation([{ field: 'subjectId', message: 'must be 1 to 128 characters' }]);
    return this.desk.file(kind, subjectId, validRequest(FileAppealRequest, body), actor);
  }

  @Post(':collection/:subjectId/appeals/:appealId/decision')
  @HttpCode(200)
  @ApiOperation({ summary: "A reviewer accepts (the decision is revoked) or rejects (with one of the source's reasons) a pending appeal. Audited." })
  @ApiParam({ name: 'collection', enum: Object.keys(COLLECTIONS) })
  @Requires('reviewer')
  @ApiOkResponse({ type: AppealDto })
  @ApiBody({ type: DecideAppealRequest })
  @ApiNotFoundResponse({ description: 'ROUTE.NOT_FOUND, APPEAL.NOT_FOUND or APPEAL.DECISION_NOT_FOUND' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  async decide(@Param('collection') collection: string, @Param('subjectId') subjectId: string, @Param('appealId') appealId: string, @Body() body: unknown, @Actor() actor: string): Promise<AppealDto> {
    const kind = this.kindOf(collection);
    if (!UUID.test(appealId)) throw ProblemException.validation([{ field: 'appealId', message: 'must be an appeal id (UUID)' }]);
    const request = validRequest(DecideAppealRequest, body);
    const decided = await this.desk.decide(appealId, request, actor, { kind, subjectId });
    return decided;
  }

  @Get('merchants/:merchantId/appeals')
  @ApiOperation({ summary: "The merchant's appeals against decisions of this service, newest first" })
  @ApiListOkResponse(AppealDto, { merchantId: true })
  async list(@Param('merchantId') merchantId: string): Promise<{ merchantId: string; items: AppealDto[] }> {
    return { merchantId, items: await this.desk.listForMerchant(merchantId) };
  }
}
