import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ledgerBalanceFen, ledgerShortfallFen, RuleBook, type Clock } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { assertActsFor, CLOCK, ProblemException, type MarketplaceScope } from '@penalty/runtime';
import { DepositAccountRepository } from '../deposit-account.repository';
import { SANCTION_CONFIG, type SanctionConfig } from '../sanction.config';
import { SanctionBooks } from '../sanction-book';
import { SanctionError } from '../sanctions.errors';
import { depositDto, type DepositDto, type DepositPaymentRequest } from './deposit-payment.request';

/**
 * Deposit payments over HTTP (section 7): recorded once per payment id, posted to the ledger (which
 * may close the top-up window and end supervision), audited, all in one transaction. A payment above
 * DEPOSIT_PAYMENT_MAX_FEN is refused (400), and one the ledger cannot hold exactly (409
 * DEPOSIT.LIMIT_EXCEEDED): no amount can overflow. A deposit belongs to the marketplace of the
 * merchant's latest profile: an operator whose roles are for other marketplaces neither reads nor pays
 * it (403 AUTH.MARKETPLACE_FORBIDDEN).
 */
@Injectable()
export class RecordDepositPaymentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly accounts: DepositAccountRepository,
    private readonly books: SanctionBooks,
    @Inject(SANCTION_CONFIG) private readonly config: Pick<SanctionConfig, 'DEPOSIT_PAYMENT_MAX_FEN'>,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
  ) {}

  /** `scope`: the marketplaces the operator's roles are for (undefined: every one). */
  async pay(merchantId: string, request: DepositPaymentRequest, actor: string, scope?: MarketplaceScope): Promise<{ recorded: boolean; deposit: DepositDto }> {
    if (request.amountFen > this.config.DEPOSIT_PAYMENT_MAX_FEN) {
      throw ProblemException.validation([{ field: 'amountFen', message: `amountFen must not be greater than ${this.config.DEPOSIT_PAYMENT_MAX_FEN} (DEPOSIT_PAYMENT_MAX_FEN)` }]);
    }
    if (scope !== undefined) this.assertActsFor(scope, merchantId, await this.accounts.find(this.dataSource, merchantId));
    const amountFen = BigInt(request.amountFen);
    const now = this.clock.now();
    return this.runner.run(async (tx) => {
      const known = await this.accounts.findPayment(tx, request.paymentId);
      if (known && (known.merchantId !== merchantId || known.amountFen !== amountFen)) {
        throw new SanctionError('DEPOSIT.PAYMENT_ID_REUSED', `Payment ${request.paymentId} was already recorded with other details.`);
      }
      const book = this.books.open(tx, now);
      await book.load({ merchants: [merchantId] });
      const recorded = !known && (await this.accounts.recordPayment(tx, { paymentId: request.paymentId, merchantId, amountFen, recordedBy: actor, recordedAt: now }));
      if (recorded) {
        book.post(merchantId, { kind: 'PAYMENT', amountFen, reference: request.paymentId });
        await recordAudit(tx.manager, {
          actor, action: 'DEPOSIT.PAYMENT', merchantId, subjectType: 'DEPOSIT', subjectId: request.paymentId, reason: 'deposit payment recorded',
          details: { amountFen: request.amountFen }, occurredAt: now,
        });
      }
      const deposit = depositDto(book.position(merchantId));
      await book.flush();
      return { recorded, deposit };
    });
  }

  /** The merchant's deposit as it is; 404 for a merchant never heard of. Reads only (no lane, no lock). */
  async position(merchantId: string, scope?: MarketplaceScope): Promise<DepositDto> {
    const account = await this.accounts.find(this.dataSource, merchantId);
    if (!account) throw new SanctionError('MERCHANT.NOT_FOUND', `No deposit is known for merchant ${merchantId}.`);
    this.assertActsFor(scope, merchantId, account);
    const { ledger } = account;
    const balanceFen = ledgerBalanceFen(ledger);
    return depositDto({ merchantId, requiredFen: ledger.requiredFen, balanceFen, shortfallFen: ledgerShortfallFen({ requiredFen: ledger.requiredFen, balanceFen }), topUpDueAt: ledger.topUpDueAt });
  }

  /** A merchant not heard of yet is the default marketplace's (its first profile or fine creates the account there). */
  private assertActsFor(scope: MarketplaceScope, merchantId: string, account: { marketplace: string | null } | null): void {
    assertActsFor(scope, account?.marketplace ?? this.rules.defaultMarketplace, `The deposit of merchant ${merchantId}`);
  }
}
