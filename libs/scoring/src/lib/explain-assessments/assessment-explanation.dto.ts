import { ApiProperty } from '@nestjs/swagger';
import { AppliedRuleDto } from '@penalty/runtime';

export class TotalsDto {
  @ApiProperty({ type: 'integer' }) general: number;
  @ApiProperty({ type: 'integer' }) serious: number;
}

export class PriorDecisionDto {
  @ApiProperty() violationId: string;
  @ApiProperty({ type: 'integer', description: 'Points it counts for now' }) points: number;
  @ApiProperty() assessedAt: string;
}

export class ViolationEvidenceDto {
  @ApiProperty({ description: 'What the item is, as the detecting system named it' }) kind: string;
  @ApiProperty({ description: 'Where it is kept' }) uri: string;
  @ApiProperty({ description: 'SHA-256 of its content, hex encoded' }) sha256: string;
}

export class ExplainedViolationDto {
  @ApiProperty() violationId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() code: string;
  @ApiProperty() severity: string;
  @ApiProperty({ type: String, nullable: true }) scenario: string | null;
  @ApiProperty() occurredAt: string;
  @ApiProperty() detectedBy: string;
  @ApiProperty({ type: [String], description: 'The listings the violation concerns' }) itemIds: string[];
  @ApiProperty({ type: [ViolationEvidenceDto], nullable: true, description: 'The evidence the violation came with (null: assessed before the platform kept it)' }) evidence: ViolationEvidenceDto[] | null;
}

export class AssessmentInputsDto {
  @ApiProperty({ type: ExplainedViolationDto }) violation: ExplainedViolationDto;
  @ApiProperty({ type: 'integer' }) naturalYear: number;
  @ApiProperty({ enum: ['GENERAL', 'SERIOUS'] }) track: string;
  @ApiProperty({ type: TotalsDto, nullable: true, description: "The year's totals before the decision (null: decided before decisions were recorded as made)" }) totalsBefore: TotalsDto | null;
  @ApiProperty({ type: TotalsDto, nullable: true, description: "The year's totals after it" }) totalsAfter: TotalsDto | null;
  @ApiProperty({ description: "A violation of the same scenario had been assessed in the natural year before (the self-check chance was gone)" }) scenarioSeenBefore: boolean;
  @ApiProperty({ type: [PriorDecisionDto], description: "The merchant's decisions on the same track and natural year assessed before this one's batch" }) priorDecisions: PriorDecisionDto[];
}

export class AssessmentOutcomeDto {
  @ApiProperty({ type: 'integer' }) basePoints: number;
  @ApiProperty({ type: 'integer' }) points: number;
  @ApiProperty({ type: String, nullable: true }) waiver: string | null;
}

export class AssessmentExplanationDto {
  @ApiProperty() decisionId: string;
  @ApiProperty({ enum: ['ASSESSMENT'] }) kind: string;
  @ApiProperty() marketplace: string;
  @ApiProperty() ruleVersion: string;
  @ApiProperty({ description: "sha256 of the applied version's canonical rule data, as it is now known (GET /v1/rulebooks/{marketplace}/versions/{ruleVersion} on the api)" }) ruleContentHash: string;
  @ApiProperty({ type: AssessmentInputsDto }) inputs: AssessmentInputsDto;
  @ApiProperty({ type: [AppliedRuleDto] }) rules: AppliedRuleDto[];
  @ApiProperty({ type: AssessmentOutcomeDto, description: 'The decision recomputed from the inputs and the stored version' }) outcome: AssessmentOutcomeDto;
  @ApiProperty({ type: AssessmentOutcomeDto, nullable: true, description: 'The decision as made (null for decisions from before they were recorded as made)' }) asMade: AssessmentOutcomeDto | null;
  @ApiProperty({ type: AssessmentOutcomeDto, description: 'What it counts for now (after appeals, exams, voided chances)' }) current: AssessmentOutcomeDto;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Recomputing gives the decision as made, under the same content hash (null: not recorded as made)' }) reproduced: boolean | null;
}
