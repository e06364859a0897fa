import { contributingViolationIds, contributionsInBatch, followLadder, ladderScopeKey, measureInForce, type PassedNode, type TotalChange } from './follow-ladder';
import { SERIOUS_LADDER } from './rule-sets.data';

const scope = { merchantId: 'm-1', naturalYear: 2026, track: 'SERIOUS' as const };
const change = (violationId: string, points: number, newTotal: number, over = {}): TotalChange => ({ ...scope, violationId, points, newTotal, ladder: SERIOUS_LADDER, ...over });
const ids = () => {
  let n = 0;
  return () => `s-${++n}`;
};
const summary = (moves: ReturnType<typeof followLadder>['moves']) => moves.map((m) => ({ revoke: m.revoke, impose: m.impose && { node: m.impose.step.node, skipped: m.impose.skipped, id: m.impose.sanctionId } }));

describe('followLadder: one batch of total changes over the passed nodes (sections 3 and 5)', () => {
  it('lets a merchant second assessment in the batch see the node the first one imposed', () => {
    const { moves, passed } = followLadder({ passed: new Map(), changes: [change('v1', 12, 12), change('v2', 12, 24), change('v3', 12, 36)], newSanctionId: ids() });
    expect(summary(moves)).toEqual([
      { revoke: [], impose: { node: 12, skipped: [], id: 's-1' } },
      { revoke: [], impose: { node: 24, skipped: [], id: 's-2' } },
      { revoke: [], impose: { node: 36, skipped: [], id: 's-3' } },
    ]);
    expect(passed.get(ladderScopeKey(scope))!.map((n) => n.node)).toEqual([12, 24, 36]);
  });

  it('imposes the highest node a change passes and records the others as skipped, once a year', () => {
    const { moves } = followLadder({ passed: new Map(), changes: [change('v1', 30, 30), change('v2', 1, 31)], newSanctionId: ids() });
    expect(summary(moves)).toEqual([{ revoke: [], impose: { node: 24, skipped: [12], id: 's-1' } }, { revoke: [], impose: null }]);
  });

  it('revokes nodes the total no longer reaches (and frees the nodes their sanction skipped), which later changes may reach again', () => {
    const before: PassedNode[] = [
      { node: 12, status: 'IMPOSED', sanctionId: 'old-12' },
      { node: 24, status: 'SKIPPED', sanctionId: 'old-36' },
      { node: 36, status: 'IMPOSED', sanctionId: 'old-36' },
    ];
    const { moves, passed } = followLadder({
      passed: new Map([[ladderScopeKey(scope), before]]),
      changes: [change('v9', 0, 12), change('v10', 12, 24), change('v9', 0, 0)],
      newSanctionId: ids(),
    });
    expect(summary(moves)).toEqual([
      { revoke: ['old-36'], impose: null },
      { revoke: [], impose: { node: 24, skipped: [], id: 's-1' } },
      // Revoked lowest node first, including the one imposed earlier in the same batch.
      { revoke: ['old-12', 's-1'], impose: null },
    ]);
    expect(passed.get(ladderScopeKey(scope))).toEqual([]);
  });

  it('follows each merchant, year and track on its own, and changes nothing on a track without a ladder', () => {
    const other = { merchantId: 'm-2' };
    const { moves } = followLadder({
      passed: new Map(),
      changes: [change('a', 12, 12), change('b', 12, 12, other), change('c', 12, 12, { naturalYear: 2027 }), change('d', 99, 99, { track: 'GENERAL', ladder: [] })],
      newSanctionId: ids(),
    });
    expect(summary(moves).map((m) => m.impose?.node ?? null)).toEqual([12, 12, 12, null]);
  });
});

describe('contributingViolationIds', () => {
  const changes = [change('v3', 12, 36), change('v1', 0, 24), change('x', 12, 12, { merchantId: 'm-2' }), change('v4', 12, 36)];

  it('lists what counted before the batch, in order, then the batch changes of the scope up to the imposing one', () => {
    expect(contributingViolationIds([{ violationId: 'v1', points: 12 }, { violationId: 'v2', points: 12 }, { violationId: 'v0', points: 0 }], changes, 0)).toEqual(['v1', 'v2', 'v3']);
  });

  it('drops an assessment whose points went to zero, moves a changed one to where its change came, and ignores other scopes', () => {
    expect(contributingViolationIds([{ violationId: 'v1', points: 12 }, { violationId: 'v2', points: 12 }], changes, 3)).toEqual(['v2', 'v3', 'v4']);
    expect(contributingViolationIds([{ violationId: 'v2', points: 12 }], [change('v2', 6, 6), change('v5', 6, 12)], 1)).toEqual(['v2', 'v5']);
  });

  it('answers each node of a batch from one grouping of its changes, each scope on its own', () => {
    const contributions = contributionsInBatch(changes);
    const before = [{ violationId: 'v1', points: 12 }, { violationId: 'v2', points: 12 }];
    expect(contributions(before, 3)).toEqual(['v2', 'v3', 'v4']);
    expect(contributions(before, 0)).toEqual(['v1', 'v2', 'v3']);
    expect(contributions([], 2)).toEqual(['x']);
    expect(contributions([{ violationId: 'w', points: 6 }], 2)).toEqual(['w', 'x']);
  });
});

describe('measureInForce', () => {
  const now = new Date('2026-11-23T10:00:00+08:00');
  it('is running until its end, or for ever without one, unless lifted', () => {
    expect(measureInForce({ type: 'PUBLIC_WARNING', endsAt: new Date(now.getTime() + 1), liftedAt: null }, now)).toBe(true);
    expect(measureInForce({ type: 'PUBLIC_WARNING', endsAt: now, liftedAt: null }, now)).toBe(false);
    expect(measureInForce({ type: 'TERMINATION', endsAt: null, liftedAt: null }, now)).toBe(true);
    expect(measureInForce({ type: 'TERMINATION', endsAt: null, liftedAt: now }, now)).toBe(false);
  });
});
