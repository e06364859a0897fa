import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { formatShanghai, naturalYearOf, type Clock, type MeasureType } from '@penalty/domain';
import { CLOCK, ProblemException } from '@penalty/runtime';
import { StandingDto } from './standing.dto';

const MERCHANT_ID = /^.{1,64}$/su;

@ApiTags('merchants')
@Controller('v1/merchants')
export class StandingController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':merchantId/standing')
  @ApiOperation({ summary: "A merchant's current standing: points this natural year, active measures, deposit, exam chance" })
  @ApiOkResponse({ type: StandingDto })
  async standing(@Param('merchantId') merchantId: string): Promise<StandingDto> {
    if (!MERCHANT_ID.test(merchantId)) throw ProblemException.validation([{ field: 'merchantId', message: 'must be 1 to 64 characters' }]);
    const now = this.clock.now();
    const naturalYear = naturalYearOf(now);
    const q = (sql: string, params: unknown[]) => this.dataSource.query(sql, params);
    const [[points], measures, [profile], [fines], [known]] = await Promise.all([
      q('SELECT general, serious FROM standing_points WHERE merchant_id = $1 AND natural_year = $2', [merchantId, naturalYear]),
      q(`SELECT type, sanction_id, ends_at FROM standing_measure
         WHERE merchant_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) ORDER BY ends_at NULLS LAST, type`, [merchantId, now]),
      q('SELECT required_fen, exam_eligible FROM standing_profile WHERE merchant_id = $1', [merchantId]),
      q('SELECT coalesce(sum(fine_fen), 0)::bigint AS total FROM standing_sanction WHERE merchant_id = $1', [merchantId]),
      q(`SELECT EXISTS (SELECT 1 FROM standing_points WHERE merchant_id = $1) OR EXISTS (SELECT 1 FROM standing_profile WHERE merchant_id = $1)
           OR EXISTS (SELECT 1 FROM standing_sanction WHERE merchant_id = $1) AS known`, [merchantId]),
    ]);
    if (!known.known) throw ProblemException.notFound('MERCHANT.NOT_FOUND', `No violation, profile or sanction is known for merchant ${merchantId}.`);
    const requiredFen = profile ? Number(profile.required_fen) : null;
    return {
      merchantId,
      naturalYear,
      points: { general: points?.general ?? 0, serious: points?.serious ?? 0 },
      activeMeasures: measures.map((m: { type: MeasureType; sanction_id: string; ends_at: Date | null }) => ({
        type: m.type,
        sanctionId: m.sanction_id,
        endsAt: m.ends_at ? formatShanghai(new Date(m.ends_at)) : null,
      })),
      // Issue scope: the deposit is assumed paid in full on entry; payments and top-up windows come with deposit handling.
      deposit: { requiredFen, balanceFen: requiredFen === null ? null : requiredFen - Number(fines.total), topUpDueAt: null },
      examChance: { status: profile?.exam_eligible ? 'NOT_GRANTED' : 'NOT_ELIGIBLE', expiresAt: null },
    };
  }
}
