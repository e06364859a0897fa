import { Controller, Get, Header, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './request-input';
import { PipelineMetrics } from './metrics';

/**
 * Thrown by a readiness check whose dependency works but not as it should (e.g. an outbox that does
 * not drain): the service stays ready, since it still accepts and applies work durably, and
 * /health/ready says `degraded` with the reason, for monitors and operators.
 */
export class Degraded extends Error {}

/** A named readiness probe: resolves when the dependency is usable, throws otherwise (Degraded: usable, but see the reason). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Collects readiness checks registered by the modules a service is made of. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async run(): Promise<Record<string, string>> {
    const results: Record<string, string> = {};
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await c.check();
          results[c.name] = 'up';
        } catch (error) {
          results[c.name] = `${error instanceof Degraded ? 'degraded' : 'down'}: ${(error as Error).message}`;
        }
      }),
    );
    return results;
  }
}

@ApiExcludeController()
@Public()
@Controller()
export class OperationsController {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(PipelineMetrics) private readonly metrics: PipelineMetrics,
  ) {}

  @Get('health/live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('health/ready')
  async ready(): Promise<{ status: 'up' | 'degraded'; checks: Record<string, string> }> {
    const checks = await this.readiness.run();
    const states = Object.values(checks);
    if (states.some((v) => v.startsWith('down'))) {
      throw new HttpException({ status: 'down', checks }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: states.some((v) => v !== 'up') ? 'degraded' : 'up', checks };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
