import { Body, Controller, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { formatShanghai, MEASURE_TYPES, type Clock, type MeasureType } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { Requires } from '@penalty/auth';
import { Actor, CLOCK, ProblemException, validRequest } from '@penalty/runtime';
import { MeasureLifter } from './measure-lifter';

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

/**
 * An operator lifts active measures of a sanction before their end (reason OPERATOR). The lift, its
 * sanction.lifted.v1 event and the audit entry commit together.
 */
@Injectable()
export class LiftMeasuresHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly lifter: MeasureLifter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async lift(sanctionId: string, request: LiftMeasuresRequest, actor: string): Promise<LiftedDto> {
    const now = this.clock.now();
    const [owner]: { merchant_id: string }[] = await this.dataSource.query('SELECT merchant_id FROM sanction WHERE sanction_id = $1', [sanctionId]);
    if (!owner) throw ProblemException.notFound('SANCTION.NOT_FOUND', `No sanction ${sanctionId}.`);
    return this.runner.run([owner.merchant_id], async ({ manager }) => {
      const [sanction]: { merchant_id: string }[] = await manager.query('SELECT merchant_id FROM sanction WHERE sanction_id = $1 FOR UPDATE', [sanctionId]);
      const active: { type: MeasureType }[] = await manager.query(
        `SELECT type FROM measure WHERE sanction_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) ORDER BY id`,
        [sanctionId, now],
      );
      const wanted = request.measureTypes ?? active.map((m) => m.type);
      const notActive = wanted.filter((type) => !active.some((m) => m.type === type));
      if (notActive.length > 0 || wanted.length === 0) {
        throw new ProblemException(409, 'SANCTION.NOTHING_TO_LIFT', 'Nothing to lift', `Not active on sanction ${sanctionId}: ${notActive.join(', ') || 'any measure'}.`);
      }
      const measureTypes = await this.lifter.lift(manager, sanctionId, 'OPERATOR', now, wanted);
      await recordAudit(manager, {
        actor,
        action: 'SANCTION.LIFT',
        merchantId: sanction.merchant_id,
        subjectType: 'SANCTION',
        subjectId: sanctionId,
        reason: request.reason,
        details: { measureTypes },
        occurredAt: now,
      });
      return { sanctionId, measureTypes, liftedAt: formatShanghai(now) };
    });
  }
}

@ApiTags('sanctions')
@Controller('v1')
export class SanctionCommandsController {
  constructor(private readonly lifts: LiftMeasuresHandler) {}

  @Post('sanctions/:sanctionId/lifts')
  @HttpCode(200)
  @ApiOperation({ summary: "Lift active measures of a sanction before their end (operator action, reason OPERATOR, audited)" })
  @Requires('admin')
  @ApiOkResponse({ type: LiftedDto })
  async lift(@Param('sanctionId') sanctionId: string, @Body() body: unknown, @Actor() actor: string): Promise<LiftedDto> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sanctionId)) {
      throw ProblemException.validation([{ field: 'sanctionId', message: 'must be a sanction id (UUID)' }]);
    }
    return this.lifts.lift(sanctionId, validRequest(LiftMeasuresRequest, body), actor);
  }
}
