import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MEASURE_TYPES, type MeasureType } from '@penalty/domain';

export class LiftMeasuresRequest {
  @ApiPropertyOptional({ enum: MEASURE_TYPES, isArray: true, description: 'Measures to lift; all active measures of the sanction when absent' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MEASURE_TYPES, { each: true })
  measureTypes?: MeasureType[];

  @ApiProperty({ description: 'Why the operator lifts them (kept in the audit trail)', minLength: 3, maxLength: 2000 })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class LiftedDto {
  @ApiProperty() sanctionId: string;
  @ApiProperty({ enum: MEASURE_TYPES, isArray: true }) measureTypes: MeasureType[];
  @ApiProperty({ description: 'RFC 3339, Asia/Shanghai' }) liftedAt: string;
}
