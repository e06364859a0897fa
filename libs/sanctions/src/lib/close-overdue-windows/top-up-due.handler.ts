import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decideLedgerTopUpDeadline, RuleBook } from '@penalty/domain';
import { txOf, type DueTask } from '@penalty/messaging';
import { SanctionBooks } from '../sanction-book';

/**
 * The deposit's top-up window closed (a scheduled task): still short and not yet supervised means
 * STORE_SUPERVISION until topped up, then deposit.updated.v1 TOP_UP_OVERDUE.
 */
@Injectable()
export class TopUpDueHandler {
  constructor(
    private readonly rules: RuleBook,
    private readonly books: SanctionBooks,
  ) {}

  async onTopUpDue(manager: EntityManager, task: DueTask, now: Date): Promise<void> {
    const book = this.books.open(txOf(manager), now);
    await book.load({ merchants: [task.merchantId] });
    const position = book.position(task.merchantId);
    // A window closed by a payment (or replaced by a later one) leaves a stale task behind.
    if (!position.topUpDueAt || position.topUpDueAt.getTime() !== task.dueAt.getTime()) return;
    if (!decideLedgerTopUpDeadline(position, book.supervised(task.merchantId)).supervise) return;
    book.impose({
      merchantId: task.merchantId,
      cause: { kind: 'DEPOSIT_SHORTFALL', violationIds: [] },
      measures: [{ type: 'STORE_SUPERVISION', startsAt: now, endsAt: null }],
      fine: null,
      ruleSet: this.rules.at(now),
    });
    book.publishDeposit(task.merchantId, { kind: 'TOP_UP_OVERDUE', amountFen: 0n, reference: null });
    await book.flush();
  }
}
