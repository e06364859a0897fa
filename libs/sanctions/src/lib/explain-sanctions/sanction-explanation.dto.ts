import { ApiProperty } from '@nestjs/swagger';
import { AppliedRuleDto } from '@penalty/runtime';

export class ExplainedMeasureDto {
  @ApiProperty() type: string;
  @ApiProperty({ type: String, nullable: true }) endsAt: string | null;
}

export class SanctionOutcomeDto {
  @ApiProperty({ type: [ExplainedMeasureDto] }) measures: ExplainedMeasureDto[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'Fen; null: none, or the whole deposit (forfeitsDeposit)' }) fineFen: number | null;
  @ApiProperty() forfeitsDeposit: boolean;
  @ApiProperty({ type: String, nullable: true }) appealDeadline: string | null;
}

export class CountedAssessmentDto {
  @ApiProperty() violationId: string;
  @ApiProperty({ type: 'integer', description: 'Points it counts for now' }) points: number;
}

export class SanctionInputsDto {
  @ApiProperty({ enum: ['LADDER_NODE', 'FORGERY', 'DEPOSIT_SHORTFALL'] }) cause: string;
  @ApiProperty({ type: String, nullable: true, enum: ['GENERAL', 'SERIOUS'] }) track: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) node: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) naturalYear: number | null;
  @ApiProperty({ type: [Number], description: 'Nodes passed at once with the one imposed (not imposed)' }) skippedNodes: number[];
  @ApiProperty({ type: [CountedAssessmentDto], description: 'The assessments whose points reached the node (LADDER_NODE)' }) counted: CountedAssessmentDto[];
  @ApiProperty({ type: String, nullable: true, description: 'FORGERY: the case' }) caseId: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: "FORGERY: the merchant's case number" }) caseNumber: number | null;
  @ApiProperty() decidedAt: string;
}

export class SanctionExplanationDto {
  @ApiProperty() decisionId: string;
  @ApiProperty({ enum: ['SANCTION'] }) kind: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() marketplace: string;
  @ApiProperty() ruleVersion: string;
  @ApiProperty() ruleContentHash: string;
  @ApiProperty({ type: SanctionInputsDto }) inputs: SanctionInputsDto;
  @ApiProperty({ type: [AppliedRuleDto] }) rules: AppliedRuleDto[];
  @ApiProperty({ type: SanctionOutcomeDto, description: 'The sanction recomputed from the inputs and the stored version' }) outcome: SanctionOutcomeDto;
  @ApiProperty({ type: SanctionOutcomeDto, description: 'The sanction as imposed' }) asMade: SanctionOutcomeDto;
  @ApiProperty({ type: Boolean, description: 'Recomputing gives the sanction as imposed (measures and ends, fine, appeal deadline), under the same content hash' }) reproduced: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Revoked since (appeal accepted, points restored): when' }) revokedAt: string | null;
}
