import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppealNoteRequest, ClaimAppealRequest } from '@penalty/appeals';
import { Requires } from '@penalty/auth';
import { ActingFor, Actor, ApiListOkResponse, ProblemException, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { ForgeryCaseDto } from '../forgery-case.dto';
import { RemediateForgeryCaseHandler } from './remediate-forgery-case.handler';
import { ReviewRemediationRequest, SubmitRemediationRequest } from './remediation.requests';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const caseIdOf = (caseId: string) => {
  if (!UUID.test(caseId)) throw ProblemException.validation([{ field: 'caseId', message: 'must be a forgery case id (UUID)' }]);
  return caseId;
};

@ApiTags('forgery cases')
@Controller('v1')
export class ForgeryCasesController {
  constructor(private readonly cases: RemediateForgeryCaseHandler) {}

  @Post('forgery-cases/:caseId/remediation')
  @HttpCode(200)
  @ApiOperation({ summary: 'The merchant submits remediation documents inside the window. Audited.' })
  @Requires('reviewer')
  @ApiOkResponse({ type: ForgeryCaseDto })
  @ApiBody({ type: SubmitRemediationRequest })
  @ApiNotFoundResponse({ description: 'No forgery case with that id' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  submit(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: string): Promise<ForgeryCaseDto> {
    return this.cases.submitRemediation(caseIdOf(caseId), validRequest(SubmitRemediationRequest, body), actor);
  }

  @Post('forgery-cases/:caseId/remediation/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'A reviewer accepts (fine by case number) or rejects the submitted documents. Audited.' })
  @Requires('reviewer')
  @ApiOkResponse({ type: ForgeryCaseDto })
  @ApiBody({ type: ReviewRemediationRequest })
  @ApiNotFoundResponse({ description: 'No forgery case with that id' })
  @ApiConflictResponse({ description: 'Refused by the rules (the code says which), or the state changed meanwhile' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the case belongs to a marketplace the reviewer's roles are not for" })
  review(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope): Promise<ForgeryCaseDto> {
    return this.cases.reviewRemediation(caseIdOf(caseId), validRequest(ReviewRemediationRequest, body), actor, scope);
  }

  @Post('forgery-cases/:caseId/remediation/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim a submitted remediation (only the holder reviews it), or assign it to a colleague (assignee). Audited.' })
  @Requires('reviewer')
  @ApiOkResponse({ type: ForgeryCaseDto })
  @ApiBody({ type: ClaimAppealRequest, required: false })
  @ApiNotFoundResponse({ description: 'No forgery case with that id' })
  @ApiConflictResponse({ description: 'FORGERY.NOTHING_TO_REVIEW (no remediation submitted, or reviewed already) or FORGERY.CLAIMED_BY_ANOTHER' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the case belongs to a marketplace the reviewer's roles are not for" })
  claim(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope): Promise<ForgeryCaseDto> {
    return this.cases.claimRemediation(caseIdOf(caseId), actor, validRequest(ClaimAppealRequest, body ?? {}).assignee, scope);
  }

  @Post('forgery-cases/:caseId/remediation/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release the claim of a submitted remediation (its holder only). Audited.' })
  @Requires('reviewer')
  @ApiOkResponse({ type: ForgeryCaseDto })
  @ApiNotFoundResponse({ description: 'No forgery case with that id' })
  @ApiConflictResponse({ description: 'FORGERY.NOTHING_TO_REVIEW or FORGERY.CLAIMED_BY_ANOTHER (only the holder releases it)' })
  release(@Param('caseId') caseId: string, @Actor() actor: string): Promise<ForgeryCaseDto> {
    return this.cases.releaseRemediation(caseIdOf(caseId), actor);
  }

  @Post('forgery-cases/:caseId/notes')
  @HttpCode(204)
  @ApiOperation({ summary: 'A case note on a forgery case, kept in the audit trail.' })
  @Requires('reviewer')
  @ApiBody({ type: AppealNoteRequest })
  @ApiNoContentResponse({ description: 'Noted' })
  @ApiNotFoundResponse({ description: 'No forgery case with that id' })
  async note(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: string): Promise<void> {
    await this.cases.noteRemediation(caseIdOf(caseId), validRequest(AppealNoteRequest, body).text, actor);
  }

  @Get('merchants/:merchantId/forgery-cases')
  @ApiOperation({ summary: "The merchant's qualification-forgery cases, newest first" })
  @ApiListOkResponse(ForgeryCaseDto, { merchantId: true })
  async list(@Param('merchantId') merchantId: string): Promise<{ merchantId: string; items: ForgeryCaseDto[] }> {
    return { merchantId, items: await this.cases.list(merchantId) };
  }
}
