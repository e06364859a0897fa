import { MerchantAccountMarketplace1765100500000 } from './merchant-account-marketplace.migration';
import { SanctionRuleIdentity1764900300000 } from './sanction-rule-identity.migration';
import { ForgeryCaseClaims1765100100000 } from './forgery-case-claims.migration';
import { ForgeryCaseNumbers1764800000000 } from './forgery-case-numbers.migration';
import { SanctionIndexes1764700000000 } from './sanction-indexes.migration';
import { SanctionRemedies1763900300000 } from './sanction-remedies.migration';
import { SanctionTaskGroups1765000200000 } from './sanction-task-groups.migration';
import { SanctionTaskKeys1764800100000 } from './sanction-task-keys.migration';
import { SanctionTables1763856200000 } from './sanctions.migration';

/** The sanction service's own migrations, in order. */
export const SANCTION_MIGRATIONS = [SanctionTables1763856200000, SanctionRemedies1763900300000, SanctionIndexes1764700000000, ForgeryCaseNumbers1764800000000, SanctionTaskKeys1764800100000, SanctionRuleIdentity1764900300000, SanctionTaskGroups1765000200000, ForgeryCaseClaims1765100100000, MerchantAccountMarketplace1765100500000];
