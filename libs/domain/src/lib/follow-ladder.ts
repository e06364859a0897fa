import type { LadderStep } from './rule-set';
import { decideLadder } from './serious-ladder';
import type { MeasureType, Track } from './vocabulary';

/** A ladder node passed by a merchant in a natural year on a track (rulebook section 3). */
export interface PassedNode {
  node: number;
  /** IMPOSED: its sanction was imposed; SKIPPED: a higher node was imposed by the same change. */
  status: 'IMPOSED' | 'SKIPPED';
  /** The sanction that imposed it (or that skipped it). */
  sanctionId: string;
}

/** Whose ladder: one merchant, one natural year, one track. */
export interface LadderScope {
  merchantId: string;
  naturalYear: number;
  track: Track;
}

export const ladderScopeKey = (s: LadderScope) => `${s.merchantId}|${s.naturalYear}|${s.track}`;

/** One change of a merchant's yearly total on a track: an assessment, or a later adjustment of one. */
export interface TotalChange extends LadderScope {
  violationId: string;
  /** The points the violation now counts for. */
  points: number;
  /** The merchant's total for the scope after the change. */
  newTotal: number;
  /** The ladder of the change's rule version for its track (empty: the track has none). */
  ladder: readonly LadderStep[];
}

/** What one change does to its ladder: sanctions revoked (points restored below their node), then a node imposed. */
export interface LadderMove {
  /** Sanctions of imposed nodes the new total no longer reaches, lowest node first. */
  revoke: string[];
  impose: { step: LadderStep; skipped: number[]; sanctionId: string } | null;
}

/**
 * Section 3 (and 5: points restored) over a batch: each change in order over its scope's passed
 * nodes, each seeing what the changes before it did. A total below imposed nodes revokes their
 * sanctions and frees those nodes (and the nodes they skipped) to be reached again; a total that
 * reaches nodes not yet passed imposes the highest (decideLadder) and records the others as skipped.
 * A track without a ladder changes nothing. Answers one move per change and the passed nodes after
 * the batch; `newSanctionId` names the sanctions it imposes, so later changes can revoke them.
 */
export function followLadder(input: {
  passed: ReadonlyMap<string, readonly PassedNode[]>;
  changes: readonly TotalChange[];
  newSanctionId: () => string;
}): { moves: LadderMove[]; passed: Map<string, PassedNode[]> } {
  const passed = new Map([...input.passed].map(([key, nodes]) => [key, [...nodes]]));
  const moves = input.changes.map((change): LadderMove => {
    if (change.ladder.length === 0) return { revoke: [], impose: null };
    const key = ladderScopeKey(change);
    const nodes = passed.get(key) ?? [];
    const revoke = [
      ...new Set(
        nodes
          .filter((n) => n.status === 'IMPOSED' && n.node > change.newTotal)
          .sort((a, b) => a.node - b.node)
          .map((n) => n.sanctionId),
      ),
    ];
    const still = nodes.filter((n) => !revoke.includes(n.sanctionId));
    const decision = decideLadder({ ladder: [...change.ladder], alreadyImposedNodes: still.map((n) => n.node), newTotal: change.newTotal });
    let impose: LadderMove['impose'] = null;
    if (decision.impose) {
      const sanctionId = input.newSanctionId();
      impose = { step: decision.impose, skipped: decision.skipped, sanctionId };
      still.push({ node: decision.impose.node, status: 'IMPOSED', sanctionId }, ...decision.skipped.map((node) => ({ node, status: 'SKIPPED' as const, sanctionId })));
    }
    passed.set(key, still);
    return { revoke, impose };
  });
  return { moves, passed };
}

/** An assessment known before a batch: counts for its scope while its points are above zero. */
export interface CountingAssessment {
  violationId: string;
  points: number;
}

/**
 * The violations behind a node imposed by the change at `upTo` (its cause's violationIds): those
 * counting points before the batch, in the order their points came, then the batch's changes of the
 * scope up to and including `upTo` in order. A changed assessment moves to where its change came;
 * one that no longer counts (0 points) drops out.
 */
export function contributingViolationIds(before: readonly CountingAssessment[], changes: readonly TotalChange[], upTo: number): string[] {
  return contributionsInBatch(changes)(before, upTo);
}

/**
 * contributingViolationIds for every node a batch imposes: the batch's changes are grouped by scope
 * once, so each node walks only its own scope's changes (a burst imposes thousands of nodes over
 * thousands of changes).
 */
export function contributionsInBatch(changes: readonly TotalChange[]): (before: readonly CountingAssessment[], upTo: number) => string[] {
  const scopeOf = changes.map(ladderScopeKey);
  const indicesOf = new Map<string, number[]>();
  scopeOf.forEach((scope, index) => {
    const indices = indicesOf.get(scope);
    if (indices) indices.push(index);
    else indicesOf.set(scope, [index]);
  });
  return (before, upTo) => {
    const order = before.filter((a) => a.points > 0).map((a) => a.violationId);
    for (const index of indicesOf.get(scopeOf[upTo]) ?? []) {
      if (index > upTo) break;
      const change = changes[index];
      const at = order.indexOf(change.violationId);
      if (at >= 0) order.splice(at, 1);
      if (change.points > 0) order.push(change.violationId);
    }
    return order;
  };
}

/** A measure of a sanction as the platform keeps it. */
export interface KeptMeasure {
  type: MeasureType;
  endsAt: Date | null;
  liftedAt: Date | null;
}

/** Still running at `now`: not lifted, and without an end or ending later. Only running measures are lifted early. */
export function measureInForce(measure: KeptMeasure, now: Date): boolean {
  return measure.liftedAt === null && (measure.endsAt === null || measure.endsAt.getTime() > now.getTime());
}
