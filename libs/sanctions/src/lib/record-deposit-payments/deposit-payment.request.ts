import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { fenAsContractInteger, formatShanghai } from '@penalty/domain';
import type { DepositPositionFen } from '../sanction-book';

export class DepositPaymentRequest {
  @ApiProperty({ description: "The payment system's id; recording the same id again changes nothing", example: 'pay-20230815-0001' })
  @IsString()
  @Matches(/^[\w.:-]{1,128}$/, { message: 'paymentId must be 1-128 letters, digits, _ . : -' })
  paymentId: string;

  @ApiProperty({ description: 'Amount paid in fen (1 CNY = 100 fen), an integer up to the configured maximum (DEPOSIT_PAYMENT_MAX_FEN)', example: 2000000 })
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

export const depositDto = (p: DepositPositionFen): DepositDto => ({
  merchantId: p.merchantId,
  requiredFen: p.requiredFen === null ? null : fenAsContractInteger(p.requiredFen),
  balanceFen: fenAsContractInteger(p.balanceFen),
  shortfallFen: fenAsContractInteger(p.shortfallFen),
  topUpDueAt: p.topUpDueAt ? formatShanghai(p.topUpDueAt) : null,
});
