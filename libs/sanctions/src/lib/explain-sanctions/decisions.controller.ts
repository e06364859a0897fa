import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SanctionExplanationDto } from './sanction-explanation.dto';
import { ExplainSanctionHandler } from './explain-sanction.handler';

@ApiTags('decisions')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(private readonly explanations: ExplainSanctionHandler) {}

  @Get(':decisionId/explanation')
  @ApiOperation({ summary: 'Why a sanction is what it is (by sanctionId): its cause and what it counted, the rule cells of the version it names with the rulebook section in zh and en, the sanction recomputed and compared with the sanction as imposed' })
  @ApiOkResponse({ type: SanctionExplanationDto })
  @ApiNotFoundResponse({ description: 'DECISION.NOT_FOUND: no sanction of that id (assessments are explained by the scoring service)' })
  explanation(@Param('decisionId') decisionId: string): Promise<SanctionExplanationDto> {
    return this.explanations.explain(decisionId);
  }
}
