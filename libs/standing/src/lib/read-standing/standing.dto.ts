import { ApiProperty } from '@nestjs/swagger';
import { MEASURE_TYPES, type MeasureType } from '@penalty/domain';

export class PointsDto {
  @ApiProperty() general: number;
  @ApiProperty() serious: number;
}

export class ActiveMeasureDto {
  @ApiProperty({ enum: MEASURE_TYPES }) type: MeasureType;
  @ApiProperty() sanctionId: string;
  @ApiProperty({ nullable: true, type: String, description: 'RFC 3339, Asia/Shanghai; null for permanent or one-off measures' })
  endsAt: string | null;
}

export class DepositDto {
  @ApiProperty({ nullable: true, type: Number, description: 'null while the merchant has no profile: the requirement is unknown' })
  requiredFen: number | null;
  @ApiProperty({ nullable: true, type: Number }) balanceFen: number | null;
  @ApiProperty({ nullable: true, type: String }) topUpDueAt: string | null;
}

export class ExamChanceDto {
  @ApiProperty({ enum: ['NOT_ELIGIBLE', 'NOT_GRANTED', 'GRANTED', 'CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED', 'EXPIRED'], description: "The chance of the current natural year" }) status: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt: string | null;
}

export class StandingDto {
  @ApiProperty() merchantId: string;
  @ApiProperty() naturalYear: number;
  @ApiProperty({ type: PointsDto }) points: PointsDto;
  @ApiProperty({ type: [ActiveMeasureDto] }) activeMeasures: ActiveMeasureDto[];
  @ApiProperty({ type: DepositDto }) deposit: DepositDto;
  @ApiProperty({ type: ExamChanceDto }) examChance: ExamChanceDto;
}
