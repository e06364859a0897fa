import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RuleBook, simulate, startOfNaturalYear, naturalYearOf, type Clock, type RuleData, type Scenario, type Severity, type StoredViolation, type ViolationCode } from '@penalty/domain';
import { RulebookFeed, type RulebookAwareness } from '@penalty/messaging';
import { CLOCK, DueWorkLoop } from '@penalty/runtime';
import { SimulationRepository, type SimulationRunRow } from './simulation.repository';

const PAGE = 20_000;
/** The report keeps this many merchants' differences (all are counted). */
export const MAX_STORED_DIFFERENCES = 500;

/**
 * Runs queued simulations in the background, one at a time per replica (a replica claims a run; one
 * whose runner stops beating is taken again after a minute). Reads the marketplace's violations of
 * the period, and of its first natural year before it as history, page by page (progress), then
 * replays them through the draft and the versions in force (simulate, pure domain code). Read-only:
 * it publishes nothing and changes no state but its own run.
 */
@Injectable()
export class SimulationRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SimulationRunner.name);
  private readonly loop: DueWorkLoop;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: SimulationRepository,
    private readonly rules: RuleBook,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness,
  ) {
    this.loop = new DueWorkLoop(SimulationRunner.name, () => this.runNext(), clock, { fallbackMs: 30_000, errorBackoffMs: 5_000 });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** A run was queued in this process: start now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  private async runNext(): Promise<{ more: boolean; nextDueAt: Date | null }> {
    const run = await this.runs.claim(this.dataSource, this.clock.now());
    if (!run) return { more: false, nextDueAt: null };
    try {
      const report = await this.simulateRun(run);
      await this.runs.finish(this.dataSource, run.run_id, { report }, this.clock.now());
    } catch (error) {
      this.logger.warn(`simulation ${run.run_id} failed: ${(error as Error).message}`);
      await this.runs.finish(this.dataSource, run.run_id, { error: (error as Error).message }, this.clock.now());
    }
    return { more: true, nextDueAt: null };
  }

  async simulateRun(run: SimulationRunRow): Promise<Record<string, unknown>> {
    await this.rulebooks.current();
    const from = new Date(run.period_from);
    const to = new Date(run.period_to);
    const historyFrom = startOfNaturalYear(naturalYearOf(from));
    const scope = { marketplace: run.marketplace, defaultMarketplace: this.rules.defaultMarketplace, from: historyFrom, to };
    const total = await this.runs.countViolations(this.dataSource, scope.marketplace, scope.defaultMarketplace, scope.from, scope.to);
    const violations: StoredViolation[] = [];
    let after: { occurredAt: Date; violationId: string } | null = null;
    for (;;) {
      const page = await this.runs.violationsPage(this.dataSource, { ...scope, after, limit: PAGE });
      for (const r of page) {
        violations.push({
          violationId: r.violation_id,
          merchantId: r.merchant_id,
          marketplace: r.marketplace,
          code: r.code as ViolationCode,
          severity: r.severity as Severity,
          scenario: r.scenario as Scenario | null,
          occurredAt: new Date(r.occurred_at),
          waivedBy: r.waiver === 'APPEAL' || r.waiver === 'EXAM' ? r.waiver : null,
          // What happened in a forgery's remediation window is the sanction service's: not known here (the report says where it assumed).
          remediation: null,
        });
      }
      // Reading is most of the time: progress up to 90 % while reading, the replay is the rest.
      await this.runs.beat(this.dataSource, run.run_id, total === 0 ? 0.9 : (0.9 * violations.length) / total, this.clock.now());
      if (page.length < PAGE) break;
      const last = page[page.length - 1];
      after = { occurredAt: new Date(last.occurred_at), violationId: last.violation_id };
    }
    const report = simulate({
      violations,
      draft: { marketplace: run.marketplace, versionId: run.draft_version, ruleData: run.rule_data as unknown as RuleData },
      inForce: (marketplace, occurredAt) => this.rules.at(occurredAt, marketplace),
      period: { from, to },
    });
    return { ...report, differences: report.differences.slice(0, MAX_STORED_DIFFERENCES), differencesTotal: report.differences.length };
  }
}
