import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  approveVersion,
  draftVersion,
  reviseDraft,
  RulebookCatalogue,
  RulebookError,
  seedVersions,
  withdrawVersion,
  formatShanghai,
  type Clock,
  type RulebookVersion,
  type RuleOverrides,
} from '@penalty/domain';
import { buildCloudEvent, EventTypes, Topics, type RulebookVersionUpdatedV1 } from '@penalty/contracts';
import { TransactionRunner, type Tx } from '@penalty/messaging';
import { recordAudit } from '@penalty/persistence';
import { CLOCK, MarketplaceConfig, ProblemException } from '@penalty/runtime';
import { rulebookVersionDto } from '../rulebook-version.dto';
import { RulebookVersionsRepository } from '../rulebook-versions.repository';
import type { DraftVersionRequest, ReviseDraftRequest, RulebookVersionDto, WithdrawVersionRequest } from './rulebook-version.requests';

export const RULE_OVERRIDES = Symbol('RULE_OVERRIDES');

/** The key and subject of a version on rules.versions.v1 (compacted: the latest state of each version is kept). */
export const versionKey = (version: Pick<RulebookVersion, 'marketplace' | 'versionId'>) => `${version.marketplace}/${version.versionId}`;

/** A version as the services learn it: whole, after a change. */
export function versionEvent(version: RulebookVersion, now: Date) {
  const data: RulebookVersionUpdatedV1 = {
    marketplace: version.marketplace,
    versionId: version.versionId,
    effectiveFrom: version.effectiveFrom,
    status: version.status,
    contentHash: version.contentHash,
    ruleData: version.ruleData as unknown as Record<string, unknown>,
    origin: version.origin,
    author: version.author,
    approver: version.approver,
    contributors: version.contributors,
    leadTimeDays: version.leadTimeDays,
    updatedAt: formatShanghai(version.updatedAt),
  };
  return buildCloudEvent({ source: 'api', type: EventTypes.RulebookVersionUpdatedV1, subject: versionKey(version), time: now, data });
}

/** Drafts stay in the api; every other state is the services' to know (a withdrawal too: it must stop applying). */
const servicesLearn = (version: RulebookVersion) => version.status !== 'DRAFT';

/** Audit entries of a marketplace's rulebook are filed under this subject (the trail is keyed by merchant otherwise). */
const auditKey = (marketplace: string) => `rulebook:${marketplace}`;

/** Rule data the domain refuses, as a 400 naming each field (ruleData.<path>); other refusals stay rule refusals (409). */
function asProblem(error: unknown): unknown {
  if (error instanceof RulebookError && error.code === 'RULEBOOK.INVALID_RULE_DATA' && error.problems.length > 0) {
    return ProblemException.validation(
      error.problems.map((p) => ({ field: p.field ? `ruleData.${p.field}` : 'ruleData', message: `${p.code}: ${p.message}` })),
      'The rule data has invalid fields.',
    );
  }
  if (error instanceof RulebookError && error.code === 'RULEBOOK.INVALID_VERSION') return ProblemException.validation([{ field: '', message: error.message }], error.message);
  return error;
}

/**
 * Section 9's steps an operator takes on a marketplace's rulebook: draft (from rule data or from a
 * version), edit a draft, approve (another admin: four eyes), withdraw. Each runs in one transaction
 * holding the marketplace's lock, with its audit entry. A marketplace starts with the built-in
 * versions (with this deployment's RULE_OVERRIDES), seeded at boot for the default marketplace and on
 * first use for any other.
 */
@Injectable()
export class RulebookVersionsHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RulebookVersionsHandler.name);

  constructor(
    private readonly runner: TransactionRunner,
    private readonly versions: RulebookVersionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MarketplaceConfig) private readonly marketplaces: MarketplaceConfig,
    @Inject(RULE_OVERRIDES) private readonly overrides: RuleOverrides | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const marketplaces = new Set([this.marketplaces.DEFAULT_MARKETPLACE, ...(await this.versions.marketplaces({ query: (sql, params) => this.runner.dataSource.query(sql, params) }))]);
    for (const marketplace of marketplaces) await this.runner.run((tx) => this.ensureSeeded(tx, marketplace, true));
  }

  /**
   * Seeds the marketplace's built-in versions once; a stored seed that differs (RULE_OVERRIDES changed
   * since) is kept and reported. With `resync`, every version the services are to know is published
   * again (at boot: the topic then holds the store's state even if it was lost), under the
   * marketplace's lock, so a change committed meanwhile is published after it.
   */
  private async ensureSeeded(tx: Tx, marketplace: string, resync = false): Promise<void> {
    await this.versions.lockMarketplace(tx, marketplace);
    const now = this.clock.now();
    const seeds = seedVersions({ marketplace, overrides: this.overrides, at: now });
    const added = await this.versions.insertNew(tx, seeds);
    const toPublish = resync ? await this.versions.ofMarketplace(tx, marketplace) : seeds.filter((s) => added.includes(s.versionId));
    for (const version of toPublish.filter(servicesLearn)) tx.publish(Topics.RulesVersionsV1, versionEvent(version, now));
    for (const seed of seeds.filter((s) => !added.includes(s.versionId))) {
      const stored = await this.versions.find(tx, marketplace, seed.versionId);
      if (stored && stored.contentHash !== seed.contentHash) {
        this.logger.warn(`${marketplace} ${seed.versionId}: the stored version (${stored.contentHash.slice(0, 12)}) differs from the built-in one with today's RULE_OVERRIDES (${seed.contentHash.slice(0, 12)}); the stored one stands (a version in force never changes: draft a new one)`);
      }
    }
    if (added.length > 0) {
      await recordAudit(tx.manager, { actor: 'system', action: 'RULEBOOK.SEED', merchantId: auditKey(marketplace), subjectType: 'RULEBOOK', subjectId: marketplace, reason: 'built-in versions', details: { versions: added }, occurredAt: this.clock.now() });
    }
  }

  private async existing(tx: Tx, marketplace: string, versionId: string): Promise<RulebookVersion> {
    const version = await this.versions.find(tx, marketplace, versionId);
    if (!version) throw ProblemException.notFound('RULEBOOK.VERSION_NOT_FOUND', `No version ${versionId} of ${marketplace}'s rulebook.`);
    return version;
  }

  async draft(marketplace: string, request: DraftVersionRequest, actor: string): Promise<RulebookVersionDto> {
    const now = this.clock.now();
    try {
      return await this.runner.run(async (tx) => {
        await this.ensureSeeded(tx, marketplace);
        if (await this.versions.find(tx, marketplace, request.versionId)) {
          throw new RulebookError('RULEBOOK.CONFLICTING_VERSIONS', `${marketplace} has a version ${request.versionId} already: choose another id.`);
        }
        if (request.ruleData === undefined && request.basedOn === undefined) {
          throw ProblemException.validation([{ field: 'ruleData', message: 'ruleData or basedOn is required' }]);
        }
        const base = request.basedOn === undefined ? undefined : await this.existing(tx, marketplace, request.basedOn);
        const version = draftVersion({
          marketplace,
          versionId: request.versionId,
          effectiveFrom: request.effectiveFrom,
          ruleData: request.ruleData ?? base!.ruleData,
          author: actor,
          now,
          leadTimeDays: request.leadTimeDays,
          basedOn: request.basedOn ?? null,
        });
        await this.versions.insertNew(tx, [version]);
        await this.audit(tx, 'RULEBOOK.DRAFT', version, actor, `drafted${base ? ` from ${base.versionId}` : ''}`, { contentHash: version.contentHash, effectiveFrom: version.effectiveFrom });
        return rulebookVersionDto(version, now);
      });
    } catch (error) {
      throw asProblem(error);
    }
  }

  async revise(marketplace: string, versionId: string, request: ReviseDraftRequest, actor: string): Promise<RulebookVersionDto> {
    return this.change(marketplace, versionId, actor, 'RULEBOOK.REVISE', 'edited', (version, now) => reviseDraft(version, request, actor, now));
  }

  async approve(marketplace: string, versionId: string, actor: string): Promise<RulebookVersionDto> {
    return this.change(marketplace, versionId, actor, 'RULEBOOK.APPROVE', 'approved', (version, now, others) => {
      const approved = approveVersion(version, actor, now);
      // Two applicable versions from one date would make decisions ambiguous: the catalogue refuses them.
      new RulebookCatalogue([...others, approved]);
      return approved;
    });
  }

  async withdraw(marketplace: string, versionId: string, request: WithdrawVersionRequest, actor: string): Promise<RulebookVersionDto> {
    return this.change(marketplace, versionId, actor, 'RULEBOOK.WITHDRAW', request.reason, (version, now) => withdrawVersion(version, actor, request.reason, now));
  }

  private async change(
    marketplace: string,
    versionId: string,
    actor: string,
    action: string,
    reason: string,
    decide: (version: RulebookVersion, now: Date, others: RulebookVersion[]) => RulebookVersion,
  ): Promise<RulebookVersionDto> {
    const now = this.clock.now();
    try {
      return await this.runner.run(async (tx) => {
        await this.versions.lockMarketplace(tx, marketplace);
        const all = await this.versions.ofMarketplace(tx, marketplace);
        const version = all.find((v) => v.versionId === versionId);
        if (!version) throw ProblemException.notFound('RULEBOOK.VERSION_NOT_FOUND', `No version ${versionId} of ${marketplace}'s rulebook.`);
        const changed = decide(version, now, all.filter((v) => v !== version));
        await this.versions.update(tx, changed);
        if (servicesLearn(changed)) tx.publish(Topics.RulesVersionsV1, versionEvent(changed, now));
        await this.audit(tx, action, changed, actor, reason, { contentHash: changed.contentHash, status: changed.status });
        return rulebookVersionDto(changed, now);
      });
    } catch (error) {
      throw asProblem(error);
    }
  }

  private audit(tx: Tx, action: string, version: RulebookVersion, actor: string, reason: string, details: Record<string, unknown>): Promise<void> {
    return recordAudit(tx.manager, { actor, action, merchantId: auditKey(version.marketplace), subjectType: 'RULEBOOK_VERSION', subjectId: `${version.marketplace}/${version.versionId}`, reason, details, occurredAt: this.clock.now() });
  }
}
