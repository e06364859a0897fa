import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@penalty/domain';
import { ScheduledTaskRunner, TransactionRunner } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { DEPOSIT_TOP_UP_DUE_TASK } from './deposit-ledger';
import { Deposits } from './deposits';
import { FORGERY_REMEDIATION_DUE_TASK, ForgeryCases } from './forgery-cases';

/** Closes the sanction service's windows when they are due: deposit top-ups and forgery remediation. */
@Injectable()
export class SanctionTaskRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: ScheduledTaskRunner;

  constructor(transactions: TransactionRunner, @Inject(CLOCK) clock: Clock, deposits: Deposits, forgeryCases: ForgeryCases) {
    this.runner = new ScheduledTaskRunner(
      transactions,
      clock,
      {
        [DEPOSIT_TOP_UP_DUE_TASK]: (manager, task) => deposits.onTopUpDue(manager, task, clock.now()),
        [FORGERY_REMEDIATION_DUE_TASK]: (manager, task) => forgeryCases.onRemediationDue(manager, task, clock.now()),
      },
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
