import { HttpException } from '@nestjs/common';
import { Degraded, OperationsController, ReadinessRegistry } from './health';
import { PipelineMetrics } from './metrics';

describe('/health/ready', () => {
  const controllerWith = (...checks: (() => Promise<void>)[]) => {
    const registry = new ReadinessRegistry();
    checks.forEach((check, i) => registry.register({ name: `check-${i}`, check }));
    return new OperationsController(registry, new PipelineMetrics('health-test'));
  };

  it('is up when every check passes', async () => {
    await expect(controllerWith(async () => undefined).ready()).resolves.toEqual({ status: 'up', checks: { 'check-0': 'up' } });
  });

  it('stays ready but says degraded, with the reason, when a check is degraded', async () => {
    const controller = controllerWith(async () => undefined, async () => { throw new Degraded('the outbox does not drain'); });
    await expect(controller.ready()).resolves.toEqual({ status: 'degraded', checks: { 'check-0': 'up', 'check-1': 'degraded: the outbox does not drain' } });
  });

  it('answers 503 when a check is down, whatever else is degraded', async () => {
    const controller = controllerWith(async () => { throw new Degraded('slow'); }, async () => { throw new Error('connection refused'); });
    const answer = await controller.ready().catch((error: HttpException) => error);
    expect(answer).toBeInstanceOf(HttpException);
    expect((answer as HttpException).getStatus()).toBe(503);
    expect((answer as HttpException).getResponse()).toEqual({ status: 'down', checks: { 'check-0': 'degraded: slow', 'check-1': 'down: connection refused' } });
  });
});
