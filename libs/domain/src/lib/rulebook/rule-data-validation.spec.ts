import { RULE_SETS } from '../rule-sets.data';
import { ruleDataOf, type RuleData } from './rule-data';
import { validateRuleData, type RuleDataProblem } from './rule-data-validation';

/** The 2022-06-27 rule data, changed by `edit` (a deep copy, typed loosely so that bad values can be written). */
function dataWith(edit: (d: any) => void): unknown {
  const data: any = structuredClone(ruleDataOf(RULE_SETS[1]));
  edit(data);
  return data;
}
const fieldsAndCodes = (problems: RuleDataProblem[]) => problems.map((p) => [p.field, p.code]);

describe('validateRuleData', () => {
  it('finds nothing wrong with the built-in versions', () => {
    for (const ruleSet of RULE_SETS) expect(validateRuleData(ruleDataOf(ruleSet))).toEqual([]);
  });

  it('refuses what is not an object', () => {
    expect(fieldsAndCodes(validateRuleData(null))).toEqual([['', 'NOT_AN_OBJECT']]);
    expect(fieldsAndCodes(validateRuleData([]))).toEqual([['', 'NOT_AN_OBJECT']]);
  });

  it('names every missing and unknown field', () => {
    const problems = validateRuleData(dataWith((d) => {
      delete d.ladders;
      delete d.deposit;
      d.colour = 'red';
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['colour', 'UNKNOWN_FIELD'],
      ['ladders', 'MISSING'],
      ['deposit', 'MISSING'],
    ]);
  });

  it('wants every track and severity of the points, as non-negative integers', () => {
    const problems = validateRuleData(dataWith((d) => {
      delete d.points.GENERAL.SEVERE;
      d.points.SERIOUS.MINOR = -1;
      d.points.SERIOUS.STANDARD = 1.5;
      d.points.EXTRA = {};
      d.pointOverrides = { FRAUD: { SEVERE: '48' }, NOT_A_CODE: { MINOR: 1 }, DELAYED_SHIPMENT: { HUGE: 2 } };
      d.examScenarioPoints = -2;
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['points.GENERAL.SEVERE', 'MISSING'],
      ['points.SERIOUS.MINOR', 'NOT_NON_NEGATIVE_INTEGER'],
      ['points.SERIOUS.STANDARD', 'NOT_NON_NEGATIVE_INTEGER'],
      ['points.EXTRA', 'UNKNOWN_FIELD'],
      ['pointOverrides.FRAUD.SEVERE', 'NOT_NON_NEGATIVE_INTEGER'],
      ['pointOverrides.NOT_A_CODE', 'UNKNOWN_VALUE'],
      ['pointOverrides.DELAYED_SHIPMENT.HUGE', 'UNKNOWN_VALUE'],
      ['examScenarioPoints', 'NOT_NON_NEGATIVE_INTEGER'],
    ]);
  });

  it('wants ladders for both tracks with positive, strictly ascending nodes', () => {
    expect(fieldsAndCodes(validateRuleData(dataWith((d) => delete d.ladders.GENERAL)))).toEqual([['ladders.GENERAL', 'MISSING']]);
    const problems = validateRuleData(dataWith((d) => {
      d.ladders.SERIOUS[1].node = 12;
      d.ladders.SERIOUS[2].node = 0;
      d.ladders.SERIOUS[3].node = 30;
      d.ladders.GENERAL = [{ ...d.ladders.SERIOUS[0], node: 10 }, { ...d.ladders.SERIOUS[0], node: 5 }];
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['ladders.GENERAL[1].node', 'NOT_ASCENDING'],
      ['ladders.SERIOUS[1].node', 'DUPLICATE'],
      ['ladders.SERIOUS[2].node', 'NOT_POSITIVE_INTEGER'],
    ]);
  });

  it('checks each node: measures of the vocabulary, a positive duration for timed measures, fines in fen, forfeiture stated alike', () => {
    const problems = validateRuleData(dataWith((d) => {
      const [n12, n24, n36, n48] = d.ladders.SERIOUS;
      n12.timedMeasures = ['STORE_SHIELDING', 'GROUNDING', 'STORE_SHIELDING'];
      n12.timedMeasureDays = 0;
      n24.fineFen = 300.5;
      n24.marketingBanDays = -1;
      n36.timedMeasures.push('MARKETING_BAN');
      n36.colour = 'red';
      n48.forfeitsDeposit = false;
      delete n48.fineFen;
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['ladders.SERIOUS[0].timedMeasures[1]', 'UNKNOWN_VALUE'],
      ['ladders.SERIOUS[0].timedMeasures[2]', 'DUPLICATE'],
      ['ladders.SERIOUS[0].timedMeasureDays', 'NOT_POSITIVE_INTEGER'],
      ['ladders.SERIOUS[1].marketingBanDays', 'NOT_NON_NEGATIVE_INTEGER'],
      ['ladders.SERIOUS[1].fineFen', 'NOT_FEN'],
      ['ladders.SERIOUS[2].colour', 'UNKNOWN_FIELD'],
      ['ladders.SERIOUS[2].timedMeasures', 'INCONSISTENT'],
      ['ladders.SERIOUS[3].fineFen', 'MISSING'],
      ['ladders.SERIOUS[3].forfeitsDeposit', 'INCONSISTENT'],
    ]);
  });

  it('refuses a node that imposes nothing', () => {
    const problems = validateRuleData(dataWith((d) => {
      d.ladders.GENERAL = [{ node: 6, timedMeasures: [], timedMeasureDays: 0, marketingBanDays: 0, oneOffMeasures: [], fineFen: null, forfeitsDeposit: false }];
    }));
    expect(fieldsAndCodes(problems)).toEqual([['ladders.GENERAL[0]', 'EMPTY']]);
  });

  it('wants windows as positive integers and exam chances as a count', () => {
    const problems = validateRuleData(dataWith((d) => {
      d.appealWindowDays = 0;
      d.secondAppealGraceDays = 2.5;
      d.examChoiceWindowDays = '15';
      d.depositTopUpDays = -15;
      d.examChancesPerYear = -1;
      d.examScenarios = ['AD_INFO', 'NOPE'];
      d.selfCheckScenarios = 'AD_INFO';
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['selfCheckScenarios', 'NOT_AN_ARRAY'],
      ['appealWindowDays', 'NOT_POSITIVE_INTEGER'],
      ['secondAppealGraceDays', 'NOT_POSITIVE_INTEGER'],
      ['examChoiceWindowDays', 'NOT_POSITIVE_INTEGER'],
      ['depositTopUpDays', 'NOT_POSITIVE_INTEGER'],
      ['examChancesPerYear', 'NOT_NON_NEGATIVE_INTEGER'],
      ['examScenarios[1]', 'UNKNOWN_VALUE'],
    ]);
  });

  it('checks the forgery rule field by field and for consistency', () => {
    const problems = validateRuleData(dataWith((d) => {
      d.forgery.remediationWindowDays = 0;
      d.forgery.fineFenByCaseNumber = [];
      d.forgery.unremediedFineFen = -1;
      d.forgery.terminateFromCaseNumber = 1;
      d.forgery.severeTerminates = 'yes';
      d.forgeryClearOutMeasures = [];
      d.pointlessCodes = [];
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['forgery.remediationWindowDays', 'NOT_POSITIVE_INTEGER'],
      ['forgery.fineFenByCaseNumber', 'EMPTY'],
      ['forgery.unremediedFineFen', 'NOT_FEN'],
      ['forgery.terminateFromCaseNumber', 'INCONSISTENT'],
      ['forgery.severeTerminates', 'NOT_A_BOOLEAN'],
      ['forgeryClearOutMeasures', 'EMPTY'],
      ['pointlessCodes', 'INCONSISTENT'],
    ]);
    expect(fieldsAndCodes(validateRuleData(dataWith((d) => (d.forgery = { kind: 'FORGIVE' }))))).toEqual([['forgery.kind', 'UNKNOWN_VALUE']]);
    expect(fieldsAndCodes(validateRuleData(dataWith((d) => (d.forgery = { kind: 'CLEAR_OUT', remediationWindowDays: 15 }))))).toEqual([['forgery.remediationWindowDays', 'UNKNOWN_FIELD']]);
    expect(fieldsAndCodes(validateRuleData(dataWith((d) => (d.forgery = { kind: 'REMEDIATION' }))))).toEqual(
      ['remediationWindowDays', 'fineFenByCaseNumber', 'unremediedFineFen', 'terminateFromCaseNumber', 'severeTerminates'].map((f) => [`forgery.${f}`, 'MISSING']),
    );
  });

  it('wants the deposit table for every store type and trademark status, and overrides that say where they apply', () => {
    const problems = validateRuleData(dataWith((d) => {
      delete d.deposit.tableFen.FRANCHISE;
      d.deposit.tableFen.FLAGSHIP.TM = 99.9;
      d.deposit.overrides[0].storeTypes = ['KIOSK'];
      d.deposit.overrides[1].categoriesAny = ['FIREWORKS'];
      d.deposit.overrides[2].amountFenByStoreType = { FRANCHISE: -1, KIOSK: 1 };
      d.deposit.overrides.push({ storeTypes: [], categoriesAny: [], amountFen: 1, amountFenByStoreType: {} });
    }));
    expect(fieldsAndCodes(problems)).toEqual([
      ['deposit.tableFen.FLAGSHIP.TM', 'NOT_FEN'],
      ['deposit.tableFen.FRANCHISE', 'MISSING'],
      ['deposit.overrides[0].storeTypes[0]', 'UNKNOWN_VALUE'],
      ['deposit.overrides[1].categoriesAny[0]', 'UNKNOWN_VALUE'],
      ['deposit.overrides[2].amountFenByStoreType.FRANCHISE', 'NOT_FEN'],
      ['deposit.overrides[2].amountFenByStoreType.KIOSK', 'UNKNOWN_VALUE'],
      ['deposit.overrides[7]', 'INCONSISTENT'],
    ]);
  });

  it('gives each problem a sentence', () => {
    const [problem] = validateRuleData(dataWith((d: RuleData) => (d.appealWindowDays = 0)));
    expect(problem).toEqual({ field: 'appealWindowDays', code: 'NOT_POSITIVE_INTEGER', message: 'must be a positive integer' });
  });
});
