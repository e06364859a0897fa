import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { naturalYearOf, type Clock } from '@penalty/domain';
import { ActingFor, CLOCK, MarketplaceConfig, ProblemException, scopeText, validRequest, type MarketplaceScope } from '@penalty/runtime';
import { MerchantSearchPageDto, MerchantSearchQuery, type OpsMerchantDto } from './merchant-search.query';
import { merchantSearchSql } from './merchant-search.sql';

@ApiTags('operations')
@Controller('v1/ops/merchants')
export class SearchMerchantsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MarketplaceConfig) private readonly marketplaces: MarketplaceConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: "Merchants by part of their id, display name or store name, filtered by marketplace and state, sorted and paged, with this year's points" })
  @ApiOkResponse({ type: MerchantSearchPageDto, description: "An operator whose roles are for some marketplaces finds that marketplace's merchants only" })
  @ApiForbiddenResponse({ description: "AUTH.MARKETPLACE_FORBIDDEN: `marketplace` names one the operator's roles are not for" })
  async search(@Query() raw: Record<string, unknown>, @ActingFor() scope?: MarketplaceScope): Promise<MerchantSearchPageDto> {
    const query = validRequest(MerchantSearchQuery, raw);
    if (query.marketplace && scope && !scope.includes(query.marketplace)) {
      throw new ProblemException(403, 'AUTH.MARKETPLACE_FORBIDDEN', 'Forbidden', `Your roles are for ${scopeText(scope)}, not for ${query.marketplace}.`);
    }
    const now = this.clock.now();
    const params = { naturalYear: naturalYearOf(now), now, defaultMarketplace: this.marketplaces.DEFAULT_MARKETPLACE, scope };
    const { text, values } = merchantSearchSql(query, params);
    const rows: (OpsMerchantDto & { total: number })[] = await this.dataSource.query(text, values);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    // count(*) OVER () rides on the page's rows; a page past the end has none, so it is counted alone.
    const total = rows.length > 0 ? rows[0].total : offset === 0 ? 0 : await this.countAll(query, params);
    return { items: rows.map(({ total: _total, ...item }) => item), total, limit, offset };
  }

  private async countAll(query: MerchantSearchQuery, params: Parameters<typeof merchantSearchSql>[1]): Promise<number> {
    const { text, values } = merchantSearchSql({ ...query, limit: 1, offset: 0 }, params);
    const [row] = await this.dataSource.query(text, values);
    return row?.total ?? 0;
  }
}
