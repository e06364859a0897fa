import { ApiProperty } from '@nestjs/swagger';

/** A rulebook statement in both languages of the platform. */
export class RuleTextDto {
  @ApiProperty() zh: string;
  @ApiProperty() en: string;
}

/** A rule cell that applied to a decision (the domain's AppliedRule), as every service's explanation answers it. */
export class AppliedRuleDto {
  @ApiProperty({ description: 'The rule cell, e.g. POINTS_TABLE, SELF_CHECK, LADDER_NODE, SKIPPED_NODES, APPEAL_WINDOW, FORGERY_REMEDIED' }) rule: string;
  @ApiProperty({ description: 'Section of the rulebook' }) section: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The cell's values in the version applied" }) values: Record<string, unknown>;
  @ApiProperty({ type: RuleTextDto }) text: RuleTextDto;
}
