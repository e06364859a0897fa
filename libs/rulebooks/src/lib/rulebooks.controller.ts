import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ApiKeyScope, Requires } from '@penalty/auth';
import { APPLICABLE_STATUSES, MARKETPLACE_PATTERN, RULEBOOK_VERSION_ID_PATTERN, type Clock } from '@penalty/domain';
import { Actor, ApiListOkResponse, CLOCK, MarketplaceConfig, ProblemException, validRequest } from '@penalty/runtime';
import { DraftVersionRequest, MarketplacesDto, ReviseDraftRequest, RuleDataDiffDto, RulebookVersionDto, WithdrawVersionRequest } from './manage-versions/rulebook-version.requests';
import { RulebookVersionsHandler } from './manage-versions/rulebook-versions.handler';
import { diffRuleData } from './read-versions/rule-data-diff';
import { rulebookVersionDto } from './rulebook-version.dto';
import { RulebookVersionsRepository } from './rulebook-versions.repository';

const VERSION_ID = RULEBOOK_VERSION_ID_PATTERN;

function checkMarketplace(marketplace: string): void {
  if (!MARKETPLACE_PATTERN.test(marketplace)) throw ProblemException.validation([{ field: 'marketplace', message: 'must be 1 to 32 characters of a-z, 0-9 and -' }]);
}
function checkVersionId(field: string, versionId: string): void {
  if (!VERSION_ID.test(versionId)) throw ProblemException.validation([{ field, message: 'must be a version id (1-64 characters of letters, digits and . _ + -)' }]);
}
/** Platform and merchants' systems (API keys) see the versions that apply or will: never a draft or a withdrawn one. */
const seesDrafts = (actor: string) => !actor.startsWith('api-key:');

@ApiTags('rulebooks')
@Controller('v1/rulebooks')
// Merchants' and platform systems read their marketplace's versions with an API key; operators need the viewer role.
@ApiKeyScope('rulebooks:read')
export class RulebooksController {
  constructor(
    private readonly handler: RulebookVersionsHandler,
    private readonly versions: RulebookVersionsRepository,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MarketplaceConfig) private readonly marketplaces: MarketplaceConfig,
  ) {}

  /** Reads outside a transaction, through the repository. */
  private readonly db = { query: <T>(sql: string, params?: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]> };

  @Get()
  @ApiOperation({ summary: 'Marketplaces with a rulebook (the deployment default first)' })
  @ApiOkResponse({ type: MarketplacesDto })
  async marketplacesList(): Promise<MarketplacesDto> {
    const known = await this.versions.marketplaces(this.db);
    const first = this.marketplaces.DEFAULT_MARKETPLACE;
    return { items: [first, ...known.filter((m) => m !== first)] };
  }

  @Get(':marketplace/versions')
  @ApiOperation({ summary: "A marketplace's rulebook versions by effective date, with status as of now (upcoming ones included; drafts and withdrawn ones for operators only)" })
  @ApiListOkResponse(RulebookVersionDto)
  async list(@Param('marketplace') marketplace: string, @Actor() actor: string): Promise<{ marketplace: string; items: RulebookVersionDto[] }> {
    checkMarketplace(marketplace);
    const now = this.clock.now();
    const items = (await this.versions.ofMarketplace(this.db, marketplace))
      .filter((v) => seesDrafts(actor) || APPLICABLE_STATUSES.includes(v.status))
      .map((v) => rulebookVersionDto(v, now));
    return { marketplace, items };
  }

  @Get(':marketplace/versions/:versionId')
  @ApiOperation({ summary: 'One version with its whole rule data and content hash' })
  @ApiOkResponse({ type: RulebookVersionDto })
  @ApiNotFoundResponse({ description: 'RULEBOOK.VERSION_NOT_FOUND' })
  async get(@Param('marketplace') marketplace: string, @Param('versionId') versionId: string, @Actor() actor: string): Promise<RulebookVersionDto> {
    checkMarketplace(marketplace);
    checkVersionId('versionId', versionId);
    const version = await this.versions.find(this.db, marketplace, versionId);
    if (!version || (!seesDrafts(actor) && !APPLICABLE_STATUSES.includes(version.status))) {
      throw ProblemException.notFound('RULEBOOK.VERSION_NOT_FOUND', `No version ${versionId} of ${marketplace}'s rulebook.`);
    }
    return rulebookVersionDto(version, this.clock.now());
  }

  @Get(':marketplace/diff')
  @ApiOperation({ summary: "What changes from one version's rule data to another's, leaf by leaf" })
  @ApiQuery({ name: 'from', required: true, schema: { type: 'string', pattern: VERSION_ID.source } })
  @ApiQuery({ name: 'to', required: true, schema: { type: 'string', pattern: VERSION_ID.source } })
  @ApiOkResponse({ type: RuleDataDiffDto })
  @ApiNotFoundResponse({ description: 'RULEBOOK.VERSION_NOT_FOUND' })
  async diff(@Param('marketplace') marketplace: string, @Query('from') from: unknown, @Query('to') to: unknown, @Actor() actor: string): Promise<RuleDataDiffDto> {
    checkMarketplace(marketplace);
    if (typeof from !== 'string') throw ProblemException.validation([{ field: 'from', message: 'must be a version id' }]);
    if (typeof to !== 'string') throw ProblemException.validation([{ field: 'to', message: 'must be a version id' }]);
    checkVersionId('from', from);
    checkVersionId('to', to);
    const [a, b] = await Promise.all([this.get(marketplace, from, actor), this.get(marketplace, to, actor)]);
    return { marketplace, from, to, changes: diffRuleData(a.ruleData, b.ruleData) };
  }

  @Post(':marketplace/versions')
  @ApiOperation({ summary: 'Draft a version (from rule data, or from another version with basedOn); the rule data is validated as a whole. Audited.' })
  @Requires('admin')
  @ApiBody({ type: DraftVersionRequest })
  @ApiCreatedResponse({ type: RulebookVersionDto })
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID: each bad field named (ruleData.<path> for the rule data)' })
  @ApiNotFoundResponse({ description: 'RULEBOOK.VERSION_NOT_FOUND (basedOn)' })
  @ApiConflictResponse({ description: 'RULEBOOK.CONFLICTING_VERSIONS: the id is taken' })
  async draft(@Param('marketplace') marketplace: string, @Body() body: unknown, @Actor() actor: string): Promise<RulebookVersionDto> {
    checkMarketplace(marketplace);
    return this.handler.draft(marketplace, validRequest(DraftVersionRequest, body), actor);
  }

  @Patch(':marketplace/versions/:versionId')
  @ApiOperation({ summary: 'Edit a draft (rule data, effective date, lead time); an editor other than the author may not approve it. Audited.' })
  @Requires('admin')
  @ApiBody({ type: ReviseDraftRequest })
  @ApiOkResponse({ type: RulebookVersionDto })
  @ApiBadRequestResponse({ description: 'REQUEST.INVALID' })
  @ApiNotFoundResponse({ description: 'RULEBOOK.VERSION_NOT_FOUND' })
  @ApiConflictResponse({ description: 'RULEBOOK.NOT_A_DRAFT or RULEBOOK.IN_FORCE_IMMUTABLE' })
  async revise(@Param('marketplace') marketplace: string, @Param('versionId') versionId: string, @Body() body: unknown, @Actor() actor: string): Promise<RulebookVersionDto> {
    checkMarketplace(marketplace);
    checkVersionId('versionId', versionId);
    return this.handler.revise(marketplace, versionId, validRequest(ReviseDraftRequest, body), actor);
  }

  @Post(':marketplace/versions/:versionId/approval')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a draft: another admin than its author and editors (four eyes), its date still ahead, no other applicable version on that date. Audited.' })
  @Requires('admin')
  @ApiOkResponse({ type: RulebookVersionDto })
  @ApiNotFoundResponse({ description: 'RULEBOOK.VERSION_NOT_FOUND' })
  @ApiConflictResponse({ description: 'RULEBOOK.FOUR_EYES, RULEBOOK.NOT_A_DRAFT, RULEBOOK.EFFECTIVE_DATE_PASSED, RULEBOOK.CONFLICTING_VERSIONS, RULEBOOK.IN_FORCE_IMMUTABLE' })
  async approve(@Param('marketplace') marketplace: string, @Param('versionId') versionId: string, @Actor() actor: string): Promise<RulebookVersionDto> {
    checkMarketplace(marketplace);
    checkVersionId('versionId', versionId);
    return this.handler.approve(marketplace, versionId, actor);
  }

  @Post(':marketplace/versions/:versionId/withdrawal')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a version not in force yet: it will never apply. Audited with the reason.' })
  @Requires('admin')
  @ApiBody({ type: WithdrawVersionRequest })
  @ApiOkResponse({ type: RulebookVersionDto })
  @ApiNotFoundResponse({ description: 'RULEBOOK.VERSION_NOT_FOUND' })
  @ApiConflictResponse({ description: 'RULEBOOK.IN_FORCE_IMMUTABLE or RULEBOOK.ALREADY_WITHDRAWN' })
  async withdraw(@Param('marketplace') marketplace: string, @Param('versionId') versionId: string, @Body() body: unknown, @Actor() actor: string): Promise<RulebookVersionDto> {
    checkMarketplace(marketplace);
    checkVersionId('versionId', versionId);
    return this.handler.withdraw(marketplace, versionId, validRequest(WithdrawVersionRequest, body), actor);
  }
}
