import type { RuleSet } from '../rule-set';
import { ruleSetOfData, type DepositRuleData } from './rule-data';
import { RulebookError } from './rulebook-error';
import { effectiveInstant, type RulebookVersion, type RulebookVersionStatus } from './rulebook-version';

/** The statuses a decision may be judged by: approved (four eyes passed), announced, in force. Never a draft, never a withdrawn version. */
export const APPLICABLE_STATUSES: readonly RulebookVersionStatus[] = ['APPROVED', 'ANNOUNCED', 'IN_FORCE'];

/** A version's rule data as the RuleSet the domain's functions take, named by its version and marketplace. */
export type VersionRuleSet = RuleSet & { deposit: DepositRuleData; marketplace: string; contentHash: string };

interface Entry {
  fromMs: number;
  version: RulebookVersion;
  ruleSet: VersionRuleSet;
}

/**
 * Every marketplace's rulebook: which version applies to a violation that occurred at an instant
 * (section 9.5: the version whose effective date, Asia/Shanghai midnight, is the latest not after
 * occurredAt). Only applicable versions count; two applicable versions of one marketplace on the same
 * date, or under one id, are refused when the catalogue is built, so the answer is never ambiguous.
 * The answer does not depend on the clock: an approved version dated ahead applies only to violations
 * that occur from that date on.
 */
export class RulebookCatalogue {
  private readonly byMarketplace = new Map<string, Entry[]>();

  constructor(versions: readonly RulebookVersion[]) {
    for (const version of versions) {
      if (!APPLICABLE_STATUSES.includes(version.status)) continue;
      const entries = this.byMarketplace.get(version.marketplace) ?? [];
      const fromMs = effectiveInstant(version).getTime();
      const clash = entries.find((e) => e.fromMs === fromMs || e.version.versionId === version.versionId);
      if (clash) {
        throw new RulebookError('RULEBOOK.CONFLICTING_VERSIONS', `Marketplace ${version.marketplace}: versions ${clash.version.versionId} and ${version.versionId} are both applicable ${clash.fromMs === fromMs ? `from ${version.effectiveFrom}` : 'under one id'}.`);
      }
      const ruleSet = { ...ruleSetOfData(version.ruleData, version.versionId, version.effectiveFrom), marketplace: version.marketplace, contentHash: version.contentHash };
      entries.push({ fromMs, version, ruleSet });
      this.byMarketplace.set(version.marketplace, entries);
    }
    for (const entries of this.byMarketplace.values()) entries.sort((a, b) => a.fromMs - b.fromMs);
  }

  marketplaces(): string[] {
    return [...this.byMarketplace.keys()].sort();
  }

  /** A marketplace's applicable versions, oldest first. */
  versionsOf(marketplace: string): RulebookVersion[] {
    return this.entriesOf(marketplace).map((e) => e.version);
  }

  /** A marketplace's applicable versions as RuleSets, oldest first. */
  ruleSetsOf(marketplace: string): VersionRuleSet[] {
    return this.entriesOf(marketplace).map((e) => e.ruleSet);
  }

  /** A named applicable version as a RuleSet; undefined when the marketplace has none of that name. */
  findRuleSet(marketplace: string, versionId: string): VersionRuleSet | undefined {
    return this.byMarketplace.get(marketplace)?.find((e) => e.version.versionId === versionId)?.ruleSet;
  }

  versionAt(marketplace: string, occurredAt: Date): RulebookVersion {
    return this.entryAt(marketplace, occurredAt).version;
  }

  ruleSetAt(marketplace: string, occurredAt: Date): VersionRuleSet {
    return this.entryAt(marketplace, occurredAt).ruleSet;
  }

  /** `(occurredAt) => RuleSet` of one marketplace, the shape assessViolations and openForgeryCases take. */
  resolverFor(marketplace: string): (occurredAt: Date) => VersionRuleSet {
    const entries = this.entriesOf(marketplace);
    return (occurredAt) => pick(entries, marketplace, occurredAt).ruleSet;
  }

  /** A named version (to explain a decision that names it); unknown names are refused, never replaced. */
  ofVersion(marketplace: string, versionId: string): RulebookVersion {
    const entry = this.entriesOf(marketplace).find((e) => e.version.versionId === versionId);
    if (!entry) throw new RulebookError('RULEBOOK.UNKNOWN_VERSION', `Marketplace ${marketplace} has no applicable version ${JSON.stringify(versionId)}.`);
    return entry.version;
  }

  private entriesOf(marketplace: string): Entry[] {
    const entries = this.byMarketplace.get(marketplace);
    if (!entries) throw new RulebookError('RULEBOOK.UNKNOWN_MARKETPLACE', `No rulebook for marketplace ${JSON.stringify(marketplace)} (known: ${this.marketplaces().join(', ') || 'none'}).`);
    return entries;
  }

  private entryAt(marketplace: string, occurredAt: Date): Entry {
    return pick(this.entriesOf(marketplace), marketplace, occurredAt);
  }
}

function pick(entries: readonly Entry[], marketplace: string, occurredAt: Date): Entry {
  const t = occurredAt.getTime();
  // Versions are few and sorted: the last one whose start is not after t, scanning from the newest.
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].fromMs <= t) return entries[i];
  throw new RulebookError('RULEBOOK.NO_VERSION_IN_FORCE', `Marketplace ${marketplace} has no version in force at ${occurredAt.toISOString()}.`);
}
