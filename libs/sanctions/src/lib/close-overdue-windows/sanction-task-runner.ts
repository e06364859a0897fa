import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@penalty/domain';
import { ScheduledTaskRunner, TransactionRunner } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { FORGERY_REMEDIATION_DUE_TASK } from '../open-forgery-cases/open-forgery-cases.handler';
import { RemediateForgeryCaseHandler } from '../remediate-forgery-cases/remediate-forgery-case.handler';
import { DEPOSIT_TOP_UP_DUE_TASK } from '../sanction-book';
import { TopUpDueHandler } from './top-up-due.handler';

/** Closes the sanction service's windows when they are due: deposit top-ups and forgery remediation. */
@Injectable()
export class SanctionTaskRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: ScheduledTaskRunner;

  constructor(transactions: TransactionRunner, @Inject(CLOCK) clock: Clock, topUps: TopUpDueHandler, forgeryCases: RemediateForgeryCaseHandler) {
    this.runner = new ScheduledTaskRunner(transactions, clock, {
      [DEPOSIT_TOP_UP_DUE_TASK]: (manager, task) => topUps.onTopUpDue(manager, task, clock.now()),
      [FORGERY_REMEDIATION_DUE_TASK]: (manager, task) => forgeryCases.onRemediationDue(manager, task, clock.now()),
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
