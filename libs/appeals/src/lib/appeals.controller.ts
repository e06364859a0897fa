import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainError, type AppealSubjectKind } from '@penalty/domain';
import { Requires } from '@penalty/auth';
import { ActingFor, Actor, ApiListOkResponse, ProblemException, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { AppealDesk } from './appeal-desk';
import { AppealDecisionsDto, AppealDto, AppealNoteRequest, ClaimAppealRequest, DecideAppealRequest, DecideAppealsRequest, FileAppealRequest } from './appeal.requests';

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
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the decision belongs to a marketplace the reviewer's roles are not for" })
  async decide(@Param('collection') collection: string, @Param('subjectId') subjectId: string, @Param('appealId') appealId: string, @Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope): Promise<AppealDto> {
    const kind = this.kindOf(collection);
    if (!UUID.test(appealId)) throw ProblemException.validation([{ field: 'appealId', message: 'must be an appeal id (UUID)' }]);
    const request = validRequest(DecideAppealRequest, body);
    return this.desk.decide(appealId, request, actor, { kind, subjectId }, scope);
  }

  @Post(':collection/:subjectId/appeals/:appealId/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim a pending appeal (only the holder decides it), or assign it to a colleague (assignee). Audited.' })
  @ApiParam({ name: 'collection', enum: Object.keys(COLLECTIONS) })
  @Requires('reviewer')
  @ApiBody({ type: ClaimAppealRequest })
  @ApiOkResponse({ type: AppealDto })
  @ApiNotFoundResponse({ description: 'ROUTE.NOT_FOUND or APPEAL.NOT_FOUND' })
  @ApiConflictResponse({ description: 'APPEAL.CLAIMED_BY_ANOTHER or APPEAL.NOT_PENDING' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the decision belongs to a marketplace the reviewer's roles are not for" })
  async claim(@Param('collection') collection: string, @Param('subjectId') subjectId: string, @Param('appealId') appealId: string, @Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope): Promise<AppealDto> {
    const kind = this.kindOf(collection);
    if (!UUID.test(appealId)) throw ProblemException.validation([{ field: 'appealId', message: 'must be an appeal id (UUID)' }]);
    return this.desk.claim(appealId, { kind, subjectId }, actor, validRequest(ClaimAppealRequest, body ?? {}).assignee, scope);
  }

  @Post(':collection/:subjectId/appeals/:appealId/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release the claim of a pending appeal (its holder only). Audited.' })
  @ApiParam({ name: 'collection', enum: Object.keys(COLLECTIONS) })
  @Requires('reviewer')
  @ApiOkResponse({ type: AppealDto })
  @ApiNotFoundResponse({ description: 'ROUTE.NOT_FOUND or APPEAL.NOT_FOUND' })
  @ApiConflictResponse({ description: 'APPEAL.CLAIMED_BY_ANOTHER or APPEAL.NOT_PENDING' })
  async release(@Param('collection') collection: string, @Param('subjectId') subjectId: string, @Param('appealId') appealId: string, @Actor() actor: string): Promise<AppealDto> {
    const kind = this.kindOf(collection);
    if (!UUID.test(appealId)) throw ProblemException.validation([{ field: 'appealId', message: 'must be an appeal id (UUID)' }]);
    return this.desk.release(appealId, { kind, subjectId }, actor);
  }

  @Post(':collection/:subjectId/appeals/:appealId/notes')
  @HttpCode(204)
  @ApiOperation({ summary: "A reviewer's case note on an appeal, kept in the audit trail" })
  @ApiParam({ name: 'collection', enum: Object.keys(COLLECTIONS) })
  @Requires('reviewer')
  @ApiBody({ type: AppealNoteRequest })
  @ApiNoContentResponse({ description: 'Recorded' })
  @ApiNotFoundResponse({ description: 'ROUTE.NOT_FOUND or APPEAL.NOT_FOUND' })
  async note(@Param('collection') collection: string, @Param('subjectId') subjectId: string, @Param('appealId') appealId: string, @Body() body: unknown, @Actor() actor: string): Promise<void> {
    const kind = this.kindOf(collection);
    if (!UUID.test(appealId)) throw ProblemException.validation([{ field: 'appealId', message: 'must be an appeal id (UUID)' }]);
    await this.desk.note(appealId, { kind, subjectId }, validRequest(AppealNoteRequest, body).text, actor);
  }

  @Post('appeals/decisions')
  @HttpCode(200)
  @ApiOperation({ summary: "Decide several appeals at once with one decision and reason; each is decided or refused on its own (claimed by another reviewer, decided already, not this service's), never all-or-nothing. Audited per appeal." })
  @Requires('reviewer')
  @ApiBody({ type: DecideAppealsRequest })
  @ApiOkResponse({ type: AppealDecisionsDto })
  async decideMany(@Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope): Promise<AppealDecisionsDto> {
    const request = validRequest(DecideAppealsRequest, body);
    const items: AppealDecisionsDto['items'] = [];
    for (const item of request.items) {
      try {
        const decided = await this.decide(item.collection, item.subjectId, item.appealId, { decision: request.decision, rejectionReason: request.rejectionReason, note: request.note }, actor, scope);
        items.push({ appealId: item.appealId, decided: true, status: decided.status, code: null, detail: null });
      } catch (error) {
        if (!(error instanceof ProblemException) && !(error instanceof DomainError)) throw error;
        items.push({ appealId: item.appealId, decided: false, status: null, code: error.code, detail: error.message });
      }
    }
    return { items };
  }

  @Get('merchants/:merchantId/appeals')
  @ApiOperation({ summary: "The merchant's appeals against decisions of this service, newest first" })
  @ApiListOkResponse(AppealDto, { merchantId: true })
  async list(@Param('merchantId') merchantId: string): Promise<{ merchantId: string; items: AppealDto[] }> {
    return { merchantId, items: await this.desk.listForMerchant(merchantId) };
  }
}
