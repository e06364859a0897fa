import { Body, Controller, Get, Inject, Injectable, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { DataSource, type EntityManager } from 'typeorm';
import { decideTopUpDeadline, formatShanghai, RuleBook, type Clock } from '@penalty/domain';
import { TransactionRunner, type DueTask } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { Requires } from '@penalty/auth';
import { Actor, CLOCK, ProblemException, validRequest } from '@penalty/runtime';
import { DepositLedger, type DepositState } from './deposit-ledger';
import { SanctionBook } from './sanction-book';

export class DepositPaymentRequest {
  @ApiProperty({ description: "The payment system's id; recording the same id again changes nothing", example: 'pay-20230815-0001' })
  @IsString()
  @Matches(/^[\w.:-]{1,128}$/, { message: 'paymentId must be 1-128 letters, digits, _ . : -' })
  paymentId: string;

  @ApiProperty({ description: 'Amount paid in fen (1 CNY = 100 fen)', example: 2000000 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountFen: number;
}

export class DepositDto {
  @ApiProperty() merchantId: string;
  @ApiProperty({ nullable: true, description: 'null while no profile is known' }) requiredFen: number | null;
  @ApiProperty() balanceFen: number;
  @ApiProperty() shortfallFen: number;
  @ApiProperty({ nullable: true, description: 'RFC 3339, Asia/Shanghai; set while a top-up is due' }) topUpDueAt: string | null;
}

const toDto = (p: DepositState): DepositDto => ({
  merchantId: p.merchantId,
  requiredFen: p.requiredFen,
  balanceFen: p.balanceFen,
  shortfallFen: p.shortfallFen,
  topUpDueAt: p.topUpDueAt ? formatShanghai(p.topUpDueAt) : null,
});

/** Deposit payments over HTTP, and the store supervision that follows a top-up window closing unpaid. */
@Injectable()
export class Deposits {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly ledger: DepositLedger,
    private readonly sanctions: SanctionBook,
    private readonly rules: RuleBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async pay(merchantId: string, request: DepositPaymentRequest, actor: string): Promise<{ recorded: boolean; deposit: DepositDto }> {
    const now = this.clock.now();
    return this.runner.run([merchantId], async ({ manager }) => {
      const [known]: { amount_fen: string; merchant_id: string }[] = await manager.query('SELECT amount_fen, merchant_id FROM deposit_payment WHERE payment_id = $1', [request.paymentId]);
      if (known && (known.merchant_id !== merchantId || Number(known.amount_fen) !== request.amountFen)) {
        throw new ProblemException(409, 'DEPOSIT.PAYMENT_ID_REUSED', 'Payment id reused', `Payment ${request.paymentId} was already recorded with other details.`);
      }
      const recorded = await this.ledger.pay(manager, merchantId, request.paymentId, request.amountFen, actor, now);
      if (recorded) {
        await recordAudit(manager, {
          actor, action: 'DEPOSIT.PAYMENT', merchantId, subjectType: 'DEPOSIT', subjectId: request.paymentId, reason: 'deposit payment recorded',
          details: { amountFen: request.amountFen }, occurredAt: now,
        });
      }
      return { recorded, deposit: toDto(await this.ledger.position(manager, merchantId)) };
    });
  }

  async position(merchantId: string): Promise<DepositDto> {
    // Publishes nothing: no outbox lane to take.
    return this.runner.run([], async ({ manager }) => {
      const [exists]: unknown[] = await manager.query('SELECT 1 FROM merchant_account WHERE merchant_id = $1', [merchantId]);
      if (!exists) throw ProblemException.notFound('MERCHANT.NOT_FOUND', `No deposit is known for merchant ${merchantId}.`);
      return toDto(await this.ledger.position(manager, merchantId));
    });
  }

  /** Scheduled at the top-up deadline: still short and not yet supervised means STORE_SUPERVISION until topped up. */
  async onTopUpDue(manager: EntityManager, task: DueTask, now: Date): Promise<void> {
    const position = await this.ledger.position(manager, task.merchantId);
    // A window closed by a payment (or replaced by a later one) leaves a stale task behind.
    if (!position.topUpDueAt || position.topUpDueAt.getTime() !== task.dueAt.getTime()) return;
    const [{ supervised }]: { supervised: boolean }[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM measure WHERE merchant_id = $1 AND type = 'STORE_SUPERVISION' AND lifted_at IS NULL) AS supervised`,
      [task.merchantId],
    );
    if (!decideTopUpDeadline(position, supervised).supervise) return;
    await this.sanctions.impose(
      manager,
      {
        merchantId: task.merchantId,
        cause: { kind: 'DEPOSIT_SHORTFALL', violationIds: [] },
        measures: [{ type: 'STORE_SUPERVISION', startsAt: now, endsAt: null }],
        fine: null,
        ruleSet: this.rules.at(now),
      },
      now,
    );
    await this.ledger.publish(manager, position, { kind: 'TOP_UP_OVERDUE', amountFen: 0, reference: null }, now);
  }
}

@ApiTags('deposits')
@Controller('v1/merchants/:merchantId/deposit')
export class DepositsController {
  constructor(private readonly deposits: Deposits) {}

  @Get()
  @ApiOperation({ summary: "The merchant's deposit: requirement, balance, shortfall and top-up deadline" })
  @ApiOkResponse({ type: DepositDto })
  get(@Param('merchantId') merchantId: string): Promise<DepositDto> {
    return this.deposits.position(merchantId);
  }

  @Post('payments')
  @ApiOperation({ summary: 'Record a deposit payment (idempotent per paymentId: 201 when recorded, 200 when already known). Audited.' })
  @Requires('admin')
  @ApiCreatedResponse({ type: DepositDto })
  async pay(@Param('merchantId') merchantId: string, @Body() body: unknown, @Actor() actor: string, @Res({ passthrough: true }) response: Response): Promise<DepositDto> {
    if (!/^.{1,64}$/su.test(merchantId)) throw ProblemException.validation([{ field: 'merchantId', message: 'must be 1 to 64 characters' }]);
    const { recorded, deposit } = await this.deposits.pay(merchantId, validRequest(DepositPaymentRequest, body), actor);
    response.status(recorded ? 201 : 200);
    return deposit;
  }
}
