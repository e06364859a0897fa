import { Logger } from '@nestjs/common';
import type { Clock } from '@penalty/domain';
import { WakeablePause } from './wakeable-pause';

export interface DueWork {
  /** True when more is due now (a full batch was done): the loop goes on at once. */
  more: boolean;
  /** When the next known piece of work falls due; null when nothing is waiting. */
  nextDueAt: Date | null;
}

export interface DueWorkLoopOptions {
  /** Looks again at least this often, for work written by other replicas (they wake their own loop). */
  fallbackMs: number;
  errorBackoffMs: number;
}

/**
 * A worker loop that costs nothing while idle: it sleeps until the next piece of work falls due (or
 * the slow fallback poll), and is woken early by writers of new work in this process (`wake`).
 */
export class DueWorkLoop {
  private readonly logger: Logger;
  private readonly pause = new WakeablePause();
  private running = false;
  private loop?: Promise<void>;
  private target = Infinity;
  private woken = false;

  constructor(
    name: string,
    private readonly work: () => Promise<DueWork>,
    private readonly clock: Clock,
    private readonly options: DueWorkLoopOptions = { fallbackMs: 30_000, errorBackoffMs: 1_000 },
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  /** New work exists, due at `dueAt` (now when omitted): run then rather than at the planned time. */
  wake(dueAt?: Date): void {
    const at = dueAt ? dueAt.getTime() : this.clock.now().getTime();
    if (at >= this.target) return;
    this.woken = true;
    this.pause.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let delay: number;
      try {
        const { more, nextDueAt } = await this.work();
        const now = this.clock.now().getTime();
        delay = more ? 0 : Math.min(this.options.fallbackMs, nextDueAt ? Math.max(0, nextDueAt.getTime() - now) : Infinity);
        // Due now yet nothing done (another replica holds it, or it keeps failing): not a busy loop.
        if (delay === 0 && !more) delay = this.options.errorBackoffMs;
      } catch (error) {
        this.logger.warn(`failed, retrying: ${(error as Error).message}`);
        delay = this.options.errorBackoffMs;
      }
      if (delay === 0 || this.woken || !this.running) continue;
      this.target = this.clock.now().getTime() + delay;
      await this.pause.pause(delay);
      this.target = Infinity;
    }
  }
}
