import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { PenaltyAssessedV1 } from '@penalty/contracts';
import {
  contributionsInBatch,
  followLadder,
  ladderScopeKey,
  planLadderSanction,
  RuleBook,
  type Clock,
  type LadderScope,
  type PassedNode,
  type RuleSet,
  type TotalChange,
} from '@penalty/domain';
import { ALWAYS_CURRENT, rejectionOf, RulebookFeed, type InboxBatch, type RulebookAwareness } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { LadderRepository, type AssessmentToKeep, type KeptAssessment, type PassedNodeRow } from '../ladder.repository';
import { SanctionBooks } from '../sanction-book';

/**
 * penalty.assessed.v1 and penalty.adjusted.v1 over a whole batch: keeps the assessments and follows
 * each merchant's yearly total on each track with a ladder, in the batch's order (followLadder). A
 * total that reaches nodes not yet passed imposes the highest (measures, fine charged to the deposit)
 * and records the others as skipped; a total below imposed nodes revokes them (running measures lifted
 * POINTS_RESTORED, fine refunded), and the nodes may be reached again. Reads set-wise: the assessments
 * kept with the passed nodes (one statement), the contributing assessments of the scopes that impose,
 * the accounts and the sanctions revoked; writes set-wise through the SanctionBook and the ladder.
 */
@Injectable()
export class ImposeLadderSanctionsHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    private readonly ladders: LadderRepository,
    private readonly books: SanctionBooks,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness = ALWAYS_CURRENT,
  ) {}

  async handle({ tx, events }: InboxBatch): Promise<void> {
    const now = this.clock.now();
    // The scoring service judged by the versions the events name: wait until they are known here too,
    // so a decision is never finished under another version than it was started with.
    const marketplaceOf = (a: PenaltyAssessedV1) => a.marketplace ?? this.rules.defaultMarketplace;
    await this.rulebooks.awaitKnown(events.map(({ event }) => ({ version: (event.data as PenaltyAssessedV1).ruleVersion, marketplace: marketplaceOf(event.data as PenaltyAssessedV1) })));
    const changes = events.map((inbound) => {
      const a = inbound.event.data as PenaltyAssessedV1;
      const ruleSet = ruleSetOf(this.rules, inbound, a.ruleVersion, marketplaceOf(a));
      const change: TotalChange & { assessmentId: string; ruleSet: RuleSet } = {
        merchantId: a.merchantId,
        naturalYear: a.naturalYear,
        track: a.track,
        violationId: a.violationId,
        assessmentId: a.assessmentId,
        points: a.points,
        newTotal: a.track === 'SERIOUS' ? a.totals.serious : a.totals.general,
        ladder: ruleSet.ladders[a.track],
        ruleSet,
      };
      return change;
    });

    // One row per violation: the last change of the batch wins, in the place it came.
    const lastOf = new Map<string, number>();
    changes.forEach((c, i) => lastOf.set(c.violationId, i));
    const kept: AssessmentToKeep[] = [...lastOf.values()].sort((a, b) => a - b).map((i) => {
      const c = changes[i];
      return { violationId: c.violationId, assessmentId: c.assessmentId, merchantId: c.merchantId, naturalYear: c.naturalYear, track: c.track, points: c.points, ruleVersion: c.ruleSet.version };
    });
    const laddered = uniqueScopes(changes.filter((c) => c.ladder.length > 0));
    const { passed, before } = await this.ladders.keepAndReadNodes(tx, kept, laddered, now);

    const follow = followLadder({ passed, changes, newSanctionId: randomUUID });
    const moving = follow.moves.map((m, i) => ({ ...m, change: changes[i], index: i })).filter((m) => m.revoke.length > 0 || m.impose);
    if (moving.length === 0) return;

    const imposing = uniqueScopes(moving.filter((m) => m.impose).map((m) => m.change));
    const counting = imposing.length > 0 ? await this.ladders.counting(tx, imposing, [...lastOf.keys()]) : [];
    const countedBefore = byScope([...counting, ...before]);
    const contributions = contributionsInBatch(changes);

    const book = this.books.open(tx, now);
    const createdHere = new Set(moving.flatMap((m) => (m.impose ? [m.impose.sanctionId] : [])));
    await book.load({ merchants: moving.map((m) => m.change.merchantId), sanctions: moving.flatMap((m) => m.revoke).filter((id) => !createdHere.has(id)) });
    for (const { revoke, impose, change, index } of moving) {
      try {
        for (const sanctionId of revoke) book.revoke(sanctionId, 'POINTS_RESTORED');
        if (!impose) continue;
        const plan = planLadderSanction(impose.step, now, change.ruleSet);
        book.impose({
          sanctionId: impose.sanctionId,
          merchantId: change.merchantId,
          cause: {
            kind: 'LADDER_NODE',
            track: change.track,
            node: plan.node,
            naturalYear: change.naturalYear,
            violationIds: contributions(countedBefore.get(ladderScopeKey(change)) ?? [], index),
            skippedNodes: impose.skipped,
          },
          measures: plan.measures,
          fine: plan.forfeitsDeposit ? 'FORFEITURE' : plan.fineFen,
          ruleSet: change.ruleSet,
          appealDeadline: plan.appealDeadline,
        });
      } catch (error) {
        // The batch is applied again without this event (what was decided in memory is dropped with it).
        throw rejectionOf(events[index], error);
      }
    }
    await book.flush();
    await this.ladders.writeNodes(tx, nodeChanges(laddered, passed, follow.passed), now);
  }
}

/** The rule version an assessment names; an unknown one dead-letters that event alone (the rest of the batch applies). */
function ruleSetOf(rules: RuleBook, inbound: InboxBatch['events'][number], version: string, marketplace: string): RuleSet {
  try {
    return rules.ofVersion(version, marketplace);
  } catch (error) {
    throw rejectionOf(inbound, error);
  }
}

function uniqueScopes(scopes: readonly LadderScope[]): LadderScope[] {
  const unique = new Map<string, LadderScope>();
  for (const s of scopes) unique.set(ladderScopeKey(s), { merchantId: s.merchantId, naturalYear: s.naturalYear, track: s.track });
  return [...unique.values()];
}

/** Assessments counting before the batch, per scope, in the order their points came. */
function byScope(assessments: readonly KeptAssessment[]): Map<string, KeptAssessment[]> {
  const sorted = [...assessments].sort((a, b) => a.atMicros - b.atMicros || (a.violationId < b.violationId ? -1 : a.violationId > b.violationId ? 1 : 0));
  const scopes = new Map<string, KeptAssessment[]>();
  for (const a of sorted) {
    const key = ladderScopeKey(a);
    const scope = scopes.get(key);
    if (scope) scope.push(a);
    else scopes.set(key, [a]);
  }
  return scopes;
}

/** What to write to the ladder: nodes of `before` gone from `after`, and nodes of `after` new or changed. */
function nodeChanges(
  scopes: readonly LadderScope[],
  before: ReadonlyMap<string, readonly PassedNode[]>,
  after: ReadonlyMap<string, readonly PassedNode[]>,
): { removed: (LadderScope & { node: number })[]; written: PassedNodeRow[] } {
  const removed: (LadderScope & { node: number })[] = [];
  const written: PassedNodeRow[] = [];
  for (const scope of scopes) {
    const key = ladderScopeKey(scope);
    const nodes = after.get(key) ?? [];
    const was = new Map((before.get(key) ?? []).map((n) => [n.node, n]));
    const now = new Map(nodes.map((n) => [n.node, n]));
    for (const [node] of was) if (!now.has(node)) removed.push({ ...scope, node });
    for (const [node, n] of now) {
      const old = was.get(node);
      if (!old || old.sanctionId !== n.sanctionId || old.status !== n.status) written.push({ ...scope, ...n });
    }
  }
  return { removed, written };
}
