import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@penalty/runtime';
import { AssessmentExplanationDto } from './assessment-explanation.dto';
import { ExplainAssessmentHandler } from './explain-assessment.handler';

const DECISION_ID = /^.{1,128}$/su;

@ApiTags('decisions')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(private readonly explanations: ExplainAssessmentHandler) {}

  @Get(':decisionId/explanation')
  @ApiOperation({ summary: 'Why an assessment counts what it does (by violationId or assessmentId): inputs, the rule cells of the version it names with the rulebook section in zh and en, the outcome recomputed and compared with the decision as made' })
  @ApiOkResponse({ type: AssessmentExplanationDto })
  @ApiNotFoundResponse({ description: 'DECISION.NOT_FOUND: no assessment of that id (sanctions are explained by the sanction service)' })
  async explanation(@Param('decisionId') decisionId: string): Promise<AssessmentExplanationDto> {
    if (!DECISION_ID.test(decisionId)) throw ProblemException.validation([{ field: 'decisionId', message: 'must be 1 to 128 characters' }]);
    return this.explanations.explain(decisionId);
  }
}
