import { DomainError } from './domain-error';
import type { RuleSet } from './rule-set';
import { RULE_SETS } from './rule-sets.data';
import { APPLICABLE_STATUSES, RulebookCatalogue, type VersionRuleSet } from './rulebook/rulebook-catalogue';
import { DEFAULT_MARKETPLACE, seedVersions } from './rulebook/rulebook-seed';
import type { RulebookVersion } from './rulebook/rulebook-version';

/** A version a decision names, in the marketplace it was judged for. */
export interface VersionRef {
  marketplace: string;
  version: string;
}

/**
 * The rulebooks a service judges by, one per marketplace (rulebook section 9): every marketplace
 * starts with the built-in versions (`builtIn`: the rulebook file's, with the deployment's
 * RULE_OVERRIDES), and follows the versions it learns (`learn`, fed from rules.versions.v1): an
 * approved, announced or in-force version is added, or replaces the built-in of its id; a withdrawn one
 * stops applying. A violation is judged by the version in force at its occurredAt for its marketplace.
 */
export class RuleBook {
  private readonly learned = new Map<string, Map<string, RulebookVersion>>();
  private readonly catalogues = new Map<string, RulebookCatalogue>();

  constructor(
    private readonly builtIn: readonly RuleSet[] = RULE_SETS,
    readonly defaultMarketplace: string = DEFAULT_MARKETPLACE,
  ) {}

  /** The default marketplace's applicable versions, oldest first. */
  get ruleSets(): readonly VersionRuleSet[] {
    return this.ruleSetsOf(this.defaultMarketplace);
  }

  ruleSetsOf(marketplace: string): VersionRuleSet[] {
    return this.catalogueOf(marketplace).ruleSetsOf(marketplace);
  }

  /** The version in force at `instant` for `marketplace`. */
  at(instant: Date, marketplace: string = this.defaultMarketplace): VersionRuleSet {
    return this.catalogueOf(marketplace).ruleSetAt(marketplace, instant);
  }

  /**
   * A named version. An unknown name is refused (RULES.UNKNOWN_VERSION, never retriable) rather than
   * replaced by the version in force now: a decision must be explained by the rules it names.
   */
  ofVersion(version: string, marketplace: string = this.defaultMarketplace): VersionRuleSet {
    const ruleSet = this.find(version, marketplace);
    if (!ruleSet) {
      const known = this.ruleSetsOf(marketplace).map((r) => r.version).join(', ');
      throw new DomainError('RULES.UNKNOWN_VERSION', `Unknown rule version ${JSON.stringify(version)} of ${marketplace} (known: ${known}).`);
    }
    return ruleSet;
  }

  /** Whether the version is known and applicable (a service that does not know it yet must wait before judging by it). */
  knows(ref: VersionRef): boolean {
    return this.find(ref.version, ref.marketplace) !== undefined;
  }

  /**
   * Learns a version's latest state (checked by the caller: valid rule data, matching hash). A version
   * that would make the marketplace's rulebook ambiguous (another applicable version from the same date)
   * is refused with RULEBOOK.CONFLICTING_VERSIONS and nothing changes.
   */
  learn(version: RulebookVersion): void {
    const versions = new Map(this.learned.get(version.marketplace) ?? []);
    versions.set(version.versionId, version);
    const catalogue = this.build(version.marketplace, versions);
    this.learned.set(version.marketplace, versions);
    this.catalogues.set(version.marketplace, catalogue);
  }

  private find(version: string, marketplace: string): VersionRuleSet | undefined {
    return this.catalogueOf(marketplace).findRuleSet(marketplace, version);
  }

  private catalogueOf(marketplace: string): RulebookCatalogue {
    let catalogue = this.catalogues.get(marketplace);
    if (!catalogue) {
      catalogue = this.build(marketplace, this.learned.get(marketplace) ?? new Map());
      this.catalogues.set(marketplace, catalogue);
    }
    return catalogue;
  }

  /** The built-in versions of the marketplace, each replaced by what was learned of it, and the learned ones. */
  private build(marketplace: string, learned: ReadonlyMap<string, RulebookVersion>): RulebookCatalogue {
    const versions = new Map(seedVersions({ marketplace, ruleSets: this.builtIn }).map((v) => [v.versionId, v]));
    for (const [id, version] of learned) versions.set(id, version);
    return new RulebookCatalogue([...versions.values()].filter((v) => APPLICABLE_STATUSES.includes(v.status)));
  }
}
