import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Requires } from '@penalty/auth';
import { formatShanghai, MARKETPLACE_PATTERN, validateRuleData, type Clock } from '@penalty/domain';
import { Actor, ApiListOkResponse, CLOCK, ProblemException, validRequest } from '@penalty/runtime';
import { SimulateRuleChangeRequest, SimulationRunDto } from './simulation.request';
import { SimulationRepository, type SimulationRunRow } from './simulation.repository';
import { SimulationRunner } from './simulation-runner';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MARKETPLACE = MARKETPLACE_PATTERN;

const dtoOf = (r: SimulationRunRow): SimulationRunDto => ({
  runId: r.run_id,
  marketplace: r.marketplace,
  draftVersion: r.draft_version,
  from: formatShanghai(new Date(r.period_from)),
  to: formatShanghai(new Date(r.period_to)),
  requestedBy: r.requested_by,
  requestedAt: formatShanghai(new Date(r.requested_at)),
  status: r.status,
  progress: Number(r.progress),
  finishedAt: r.finished_at ? formatShanghai(new Date(r.finished_at)) : null,
  error: r.error,
  report: r.report,
});

@ApiTags('simulations')
@Controller('v1/simulations')
export class SimulationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: SimulationRepository,
    private readonly runner: SimulationRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(202)
  @Requires('admin')
  @ApiOperation({ summary: "Simulate a draft rulebook version over the marketplace's stored violations of a period (background job; read-only: publishes nothing, changes no decision)" })
  @ApiBody({ type: SimulateRuleChangeRequest })
  @ApiAcceptedResponse({ type: SimulationRunDto })
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID: each bad field named (ruleData.<path> for the rule data)' })
  async request(@Body() body: unknown, @Actor() actor: string): Promise<SimulationRunDto> {
    const request = validRequest(SimulateRuleChangeRequest, body);
    const problems = validateRuleData(request.ruleData);
    if (problems.length > 0) throw ProblemException.validation(problems.map((p) => ({ field: p.field ? `ruleData.${p.field}` : 'ruleData', message: `${p.code}: ${p.message}` })), 'The rule data has invalid fields.');
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (!(from.getTime() < to.getTime())) throw ProblemException.validation([{ field: 'to', message: 'must be after from' }]);
    const runId = randomUUID();
    await this.runs.queue(this.dataSource, {
      run_id: runId, marketplace: request.marketplace, draft_version: request.draftVersion, rule_data: request.ruleData, period_from: from, period_to: to, requested_by: actor, requested_at: this.clock.now(),
    });
    this.runner.wake();
    return dtoOf((await this.runs.find(this.dataSource, runId))!);
  }

  @Get(':runId')
  @ApiOperation({ summary: "A simulation's status, progress and, once DONE, its report" })
  @ApiOkResponse({ type: SimulationRunDto })
  @ApiNotFoundResponse({ description: 'SIMULATION.NOT_FOUND' })
  async get(@Param('runId') runId: string): Promise<SimulationRunDto> {
    const run = UUID.test(runId) ? await this.runs.find(this.dataSource, runId) : undefined;
    if (!run) throw ProblemException.notFound('SIMULATION.NOT_FOUND', `No simulation ${runId}.`);
    return dtoOf(run);
  }

  @Get()
  @ApiOperation({ summary: 'The latest simulations (without their reports), newest first' })
  @ApiQuery({ name: 'marketplace', required: false, schema: { type: 'string', pattern: MARKETPLACE.source } })
  @ApiListOkResponse(SimulationRunDto)
  async list(@Query('marketplace') marketplace: unknown): Promise<{ items: SimulationRunDto[] }> {
    if (marketplace !== undefined && (typeof marketplace !== 'string' || !MARKETPLACE.test(marketplace))) throw ProblemException.validation([{ field: 'marketplace', message: 'must be 1 to 32 characters of a-z, 0-9 and -' }]);
    return { items: (await this.runs.recent(this.dataSource, marketplace as string | undefined, 50)).map(dtoOf) };
  }
}
