import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Requires } from '@penalty/auth';
import { ActingFor, Actor, ProblemException, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { DepositDto, DepositPaymentRequest } from './deposit-payment.request';
import { RecordDepositPaymentHandler } from './record-deposit-payment.handler';

const merchantIdOf = (merchantId: string) => {
  if (!/^.{1,64}$/su.test(merchantId)) throw ProblemException.validation([{ field: 'merchantId', message: 'must be 1 to 64 characters' }]);
  return merchantId;
};

@ApiTags('deposits')
@Controller('v1/merchants/:merchantId/deposit')
export class DepositsController {
  constructor(private readonly deposits: RecordDepositPaymentHandler) {}

  @Get()
  @ApiOperation({ summary: "The merchant's deposit: requirement, balance, shortfall and top-up deadline" })
  @ApiOkResponse({ type: DepositDto })
  @ApiNotFoundResponse({ description: 'MERCHANT.NOT_FOUND: no deposit is known for the merchant' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the merchant's marketplace is not one the operator's roles are for" })
  get(@Param('merchantId') merchantId: string, @ActingFor() scope: MarketplaceScope): Promise<DepositDto> {
    return this.deposits.position(merchantIdOf(merchantId), scope);
  }

  @Post('payments')
  @ApiOperation({ summary: 'Record a deposit payment (idempotent per paymentId: 201 when recorded, 200 when already known). Audited.' })
  @Requires('admin')
  @ApiCreatedResponse({ type: DepositDto })
  @ApiBody({ type: DepositPaymentRequest })
  @ApiOkResponse({ type: DepositDto, description: 'The payment was recorded before (same payment id and amount): the deposit as it is, nothing recorded again' })
  @ApiConflictResponse({ description: 'DEPOSIT.PAYMENT_ID_REUSED: the payment id was used with another amount, or the state changed meanwhile' })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: the merchant's marketplace is not one the operator's roles are for" })
  async pay(@Param('merchantId') merchantId: string, @Body() body: unknown, @Actor() actor: string, @ActingFor() scope: MarketplaceScope, @Res({ passthrough: true }) response: Response): Promise<DepositDto> {
    const { recorded, deposit } = await this.deposits.pay(merchantIdOf(merchantId), validRequest(DepositPaymentRequest, body), actor, scope);
    response.status(recorded ? 201 : 200);
    return deposit;
  }
}
