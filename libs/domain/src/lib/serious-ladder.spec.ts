import { formatShanghai } from './natural-year';
import { RULE_SETS, SERIOUS_LADDER } from './rule-sets.data';
import { decideLadder, planLadderSanction } from './serious-ladder';

const ruleSet = RULE_SETS[RULE_SETS.length - 1];
const decidedAt = new Date('2023-10-01T10:00:00+08:00');
const step = (node: number) => SERIOUS_LADDER.find((s) => s.node === node)!;

describe('serious ladder table (section 3)', () => {
  it.each([
    [12, ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'MESSAGING_RESTRICTION', 'STORE_CREATION_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING'], 7, 30, [], 2_000_000, false],
    [24, ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'STORE_CREATION_RESTRICTION', 'MESSAGING_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING'], 14, 60, ['DELIST_ALL_ITEMS'], 3_000_000, false],
    [36, ['STORE_CLOSURE', 'MESSAGING_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING'], 21, 90, [], 4_000_000, false],
    [48, [], 0, 0, ['TERMINATION', 'ACCOUNT_SEAL', 'DEPOSIT_FORFEITURE'], null, true],
  ])('node %d: timed %j for %d days, marketing ban %d days, one-off %j, fine %p fen, forfeits %p', (node, timed, days, ban, oneOff, fine, forfeits) => {
    expect(step(node)).toEqual({ node, timedMeasures: timed, timedMeasureDays: days, marketingBanDays: ban, oneOffMeasures: oneOff, fineFen: fine, forfeitsDeposit: forfeits });
  });
});

describe('planLadderSanction', () => {
  it.each([
    [12, 7, 30],
    [24, 14, 60],
    [36, 21, 90],
  ])('node %d: timed measures end after %d natural days, the marketing ban after %d', (node, days, ban) => {
    const plan = planLadderSanction(step(node), decidedAt, ruleSet);
    for (const m of plan.measures) {
      expect(m.startsAt).toEqual(decidedAt);
      if (m.type === 'MARKETING_BAN') expect(m.endsAt!.getTime() - decidedAt.getTime()).toBe(ban * 86_400_000);
      else if (m.type === 'DELIST_ALL_ITEMS') expect(m.endsAt).toBeNull();
      else expect(m.endsAt!.getTime() - decidedAt.getTime()).toBe(days * 86_400_000);
    }
    expect(plan.measures.filter((m) => m.type === 'MARKETING_BAN')).toHaveLength(1);
    expect(plan.fineFen).toBe(step(node).fineFen);
  });

  it('node 24 delists every item once (no end); node 48 terminates, seals and forfeits with no end and no fixed fine', () => {
    expect(planLadderSanction(step(24), decidedAt, ruleSet).measures.find((m) => m.type === 'DELIST_ALL_ITEMS')).toEqual({ type: 'DELIST_ALL_ITEMS', startsAt: decidedAt, endsAt: null });
    const plan48 = planLadderSanction(step(48), decidedAt, ruleSet);
    expect(plan48.measures).toEqual([
      { type: 'TERMINATION', startsAt: decidedAt, endsAt: null },
      { type: 'ACCOUNT_SEAL', startsAt: decidedAt, endsAt: null },
      { type: 'DEPOSIT_FORFEITURE', startsAt: decidedAt, endsAt: null },
    ]);
    expect(plan48).toMatchObject({ node: 48, fineFen: null, forfeitsDeposit: true });
  });

  it('sets the appeal deadline 15 natural days after the decision', () => {
    expect(formatShanghai(planLadderSanction(step(12), decidedAt, ruleSet).appealDeadline)).toBe('2023-10-16T10:00:00+08:00');
  });
});

describe('decideLadder', () => {
  const decide = (alreadyImposedNodes: number[], newTotal: number) => {
    const d = decideLadder({ ladder: SERIOUS_LADDER, alreadyImposedNodes, newTotal });
    return { impose: d.impose?.node ?? null, skipped: d.skipped };
  };

  it.each([
    [[], 11, null, []],
    [[], 12, 12, []],
    [[12], 23, null, []],
    [[12], 24, 24, []],
    [[12, 24], 36, 36, []],
    [[12, 24, 36], 48, 48, []],
    [[12, 24, 36, 48], 60, null, []],
  ])('passed %j, total %d: imposes %p, skips %j', (passed, total, impose, skipped) => {
    expect(decide(passed, total)).toEqual({ impose, skipped });
  });

  it('imposes only the highest node when one event passes several, recording the others as skipped', () => {
    expect(decide([], 48)).toEqual({ impose: 48, skipped: [12, 24, 36] });
    expect(decide([], 30)).toEqual({ impose: 24, skipped: [12] });
    expect(decide([12], 40)).toEqual({ impose: 36, skipped: [24] });
  });

  it('never imposes a node twice in one year, even when the total falls and rises again', () => {
    expect(decide([12], 12)).toEqual({ impose: null, skipped: [] });
    expect(decide([12, 24], 13)).toEqual({ impose: null, skipped: [] });
  });

  it('does nothing on a track without a ladder', () => {
    expect(decideLadder({ ladder: [], alreadyImposedNodes: [], newTotal: 100 })).toEqual({ impose: null, skipped: [] });
  });
});
