import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Requires } from '@penalty/auth';
import { ActingFor, Actor, ProblemException, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { LiftMeasuresHandler } from './lift-measures.handler';
import { LiftedDto, LiftMeasuresRequest } from './lift-measures.request';

@ApiTags('sanctions')
@Controller('v1')
export class SanctionsController {
  constructor(private readonly lifts: LiftMeasuresHandler) {}

  @Post('sanctions/:sanctionId/lifts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift active measures of a sanction before their end (operator action, reason OPERATOR, audited)' })
  @Requires('admin')
  @ApiOkResponse({ type: LiftedDto })
  @ApiBody({ type: LiftMeasuresRequest })
  @ApiNotFoundResponse({ description: 'No sanction with that id' })
  @ApiConflictResponse({ description: 'Nothing to lift, or the state changed meanwhile' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the sanction was decided for a marketplace the admin's roles are not for" })
  async lift(@Param('sanctionId') sanctionId: string, @Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope): Promise<LiftedDto> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sanctionId)) {
      throw ProblemException.validation([{ field: 'sanctionId', message: 'must be a sanction id (UUID)' }]);
    }
    return this.lifts.lift(sanctionId, validRequest(LiftMeasuresRequest, body), actor, scope);
  }
}
