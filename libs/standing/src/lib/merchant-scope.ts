import type { DataSource } from 'typeorm';
import { assertActsFor, type MarketplaceScope } from '@penalty/runtime';

/**
 * Refuses (403 AUTH.MARKETPLACE_FORBIDDEN) an operator whose roles are for some marketplaces reading
 * a merchant of another: the merchant's marketplace is its profile's, else the deployment's default
 * (as merchant search has it). Unscoped callers (every marketplace, API keys) cost no statement.
 */
export async function assertMerchantInScope(dataSource: DataSource, merchantId: string, scope: MarketplaceScope, defaultMarketplace: string): Promise<void> {
  if (scope === undefined) return;
  const [row]: { marketplace: string | null }[] = await dataSource.query('SELECT marketplace FROM standing_profile WHERE merchant_id = $1', [merchantId]);
  assertActsFor(scope, row?.marketplace ?? defaultMarketplace, `Merchant ${merchantId}`);
}
