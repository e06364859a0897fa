import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AcceptedDto {
  @ApiProperty({ description: 'the CloudEvent id' }) id: string;
  @ApiProperty({ enum: ['ACCEPTED', 'DUPLICATE'], description: 'DUPLICATE: this event id was accepted before; nothing more is done' })
  status: 'ACCEPTED' | 'DUPLICATE';
}

export class FieldProblemDto {
  @ApiProperty({ description: 'Dotted path from the envelope root, e.g. data.severity; empty for the event as a whole' }) field: string;
  @ApiProperty() message: string;
}

/** RFC 9457 problem details, as every error of the api answers them. */
export class ProblemDto {
  @ApiProperty() type: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'The HTTP status this event alone would have been answered with (400, or 413 for an event over 256 KiB)' }) status: number;
  @ApiProperty({ example: 'REQUEST.INVALID' }) code: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] }) errors?: FieldProblemDto[];
}

export class BatchItemResultDto {
  @ApiProperty({ description: 'Position of the event in the request, from 0' }) index: number;
  @ApiProperty({ nullable: true, type: String, description: "The event's id, null when it has none that is a string" }) id: string | null;
  @ApiProperty({ enum: ['ACCEPTED', 'DUPLICATE', 'INVALID'], description: 'ACCEPTED: durably recorded, published shortly; DUPLICATE: this id was accepted before (or earlier in this batch); INVALID: refused, see problem' })
  status: 'ACCEPTED' | 'DUPLICATE' | 'INVALID';
  @ApiPropertyOptional({ type: ProblemDto, description: 'Only for INVALID: what POST /v1/violations would have answered for this event' }) problem?: ProblemDto;
}

export class BatchResultDto {
  @ApiProperty({ type: [BatchItemResultDto], description: 'One result per event, in the order of the request' }) results: BatchItemResultDto[];
  @ApiProperty() accepted: number;
  @ApiProperty() duplicates: number;
  @ApiProperty() invalid: number;
}
