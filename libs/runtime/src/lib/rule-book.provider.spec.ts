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
});
