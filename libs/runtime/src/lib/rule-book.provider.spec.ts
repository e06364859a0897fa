import { ruleBookFromEnvironment } from './rule-book.provider';

describe('ruleBookFromEnvironment', () => {
  it('runs the rulebook as written when nothing is overridden', () => {
    expect(ruleBookFromEnvironment({}).at(new Date('2024-05-01T00:00:00+08:00')).ladders.GENERAL).toEqual([]);
  });

  it('applies RULE_OVERRIDES to every version', () => {
    const book = ruleBookFromEnvironment({ RULE_OVERRIDES: '{"depositTopUpDays": 10}' });
    expect(book.ruleSets.map((r) => r.depositTopUpDays)).toEqual([10, 10]);
  });

  it('refuses what is not a JSON object of known rules', () => {
    expect(() => ruleBookFromEnvironment({ RULE_OVERRIDES: '{oops' })).toThrow(/RULE_OVERRIDES: not JSON/);
    expect(() => ruleBookFromEnvironment({ RULE_OVERRIDES: '[1]' })).toThrow(/must be a JSON object/);
    expect(() => ruleBookFromEnvironment({ RULE_OVERRIDES: '{"forgery": {}}' })).toThrow(/unknown rules forgery/);
  });

  it('takes a ladder for the GENERAL track with nodes of its own', () => {
    const step = { node: 5, timedMeasures: ['PUBLIC_WARNING'], timedMeasureDays: 3, marketingBanDays: 0, oneOffMeasures: [], fineFen: 50_000, forfeitsDeposit: false };
    const book = ruleBookFromEnvironment({ RULE_OVERRIDES: JSON.stringify({ ladders: { GENERAL: [step] } }) });
    expect(book.ruleSets.map((r) => r.ladders.GENERAL)).toEqual([[step], [step]]);
  });

  it('refuses at boot a ladder whose sanctions the contract would refuse, naming each problem', () => {
    const step = { node: 5, timedMeasures: ['PUBLIC_WARNING'], timedMeasureDays: 3, marketingBanDays: 0, oneOffMeasures: [], fineFen: 50_000, forfeitsDeposit: false };
    const refused = (ladders: unknown) => () => ruleBookFromEnvironment({ RULE_OVERRIDES: JSON.stringify({ ladders }) });
    expect(refused({ GENERAL: [{ ...step, node: 2.5 }] })).toThrow(/ladders\.GENERAL\[0\]\.node: must be a positive integer/);
    expect(refused({ GENERAL: [{ ...step, node: 0 }] })).toThrow(/node: must be a positive integer/);
    expect(refused({ GENERAL: [step, step] })).toThrow(/ladders\.GENERAL\[1\]\.node: 5 appears twice/);
    expect(refused({ GENERAL: [{ ...step, timedMeasures: ['JAIL'] }] })).toThrow(/timedMeasures: must be an array of/);
    expect(refused({ GENERAL: [{ ...step, fineFen: -1 }] })).toThrow(/fineFen: must be null or a non-negative integer/);
    expect(refused({ MINOR: [step] })).toThrow(/ladders\.MINOR: unknown track/);
    expect(refused({ SERIOUS: {} })).toThrow(/ladders\.SERIOUS: must be an array/);
  });
});
