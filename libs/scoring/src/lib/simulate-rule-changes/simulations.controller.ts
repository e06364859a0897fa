import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Requires } from '@penalty/auth';
import { formatShanghai, validateRuleData, type Clock } from '@penalty/domain';
import { Actor, ApiListOkResponse, CLOCK, ProblemException, validRequest } from '@penalty/runtime';
import { MAX_SIMULATION_MERCHANT_PAGE, SimulateRuleChangeRequest, SimulationListQuery, SimulationMerchantPageDto, SimulationMerchantsQuery, SimulationRunDto } from './simulation.request';
import { pageOfDifferences, SIMULATION_MERCHANT_SORTS } from './simulation-merchants';
import { SimulationRepository, type SimulationRunRow } from './simulation.repository';
import { SimulationRunner } from './simulation-runner';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    // The run as accepted (QUEUED), read before the runner is woken: what it has become is GET's to say.
    const queued = dtoOf((await this.runs.find(this.dataSource, runId))!);
    this.runner.wake();
    return queued;
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

  @Get(':runId/merchants')
  @ApiOperation({ summary: "A page of the merchants whose judgement a DONE simulation's draft changes (those its report keeps), sorted" })
  // Each parameter by name: the DTO's enums would not reach the document through @ApiQuery({ type }).
  @ApiQuery({ name: 'sort', required: false, enum: SIMULATION_MERCHANT_SORTS, description: 'merchantId (default), or the change (after minus before) of GENERAL points, SERIOUS points or fines' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: 'Default asc' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_SIMULATION_MERCHANT_PAGE, default: 20 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_SIMULATION_MERCHANT_PAGE, default: 0 } })
  @ApiOkResponse({ type: SimulationMerchantPageDto })
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID: each bad query parameter named; or a path or query value that is not valid text (NUL, invalid UTF-8)' })
  @ApiNotFoundResponse({ description: 'SIMULATION.NOT_FOUND' })
  @ApiConflictResponse({ description: 'SIMULATION.NOT_DONE: the run is queued, running or failed' })
    async merchants(@Param('runId') runId: string, @Query() raw: Record<string, unknown>): Promise<SimulationMerchantPageDto> {
    const query = validRequest(SimulationMerchantsQuery, raw);
    const run = UUID.test(runId) ? await this.runs.differences(this.dataSource, runId) : undefined;
    if (!run) throw ProblemException.notFound('SIMULATION.NOT_FOUND', `No simulation ${runId}.`);
    if (run.status !== 'DONE' || !run.differences) throw new ProblemException(HttpStatus.CONFLICT, 'SIMULATION.NOT_DONE', 'Conflict', `Simulation ${runId} is ${run.status}: its merchants are known once it is DONE.`);
    const page = { sort: query.sort ?? 'merchantId', order: query.order ?? 'asc', limit: query.limit ?? 20, offset: query.offset ?? 0 } as const;
    return { items: pageOfDifferences(run.differences, page) as unknown as Record<string, unknown>[], total: run.total ?? run.differences.length, kept: run.differences.length, limit: page.limit, offset: page.offset };
  }

  @Get()
  @ApiOperation({ summary: 'The latest simulations (without their reports), newest first' })
  @ApiQuery({ type: SimulationListQuery })
  @ApiListOkResponse(SimulationRunDto)
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID: each bad query parameter named; or a query value that is not valid text (NUL, invalid UTF-8)' })
  async list(@Query() raw: Record<string, unknown>): Promise<{ items: SimulationRunDto[] }> {
    const query = validRequest(SimulationListQuery, raw);
    return { items: (await this.runs.recent(this.dataSource, query, 50)).map(dtoOf) };
  }
}
