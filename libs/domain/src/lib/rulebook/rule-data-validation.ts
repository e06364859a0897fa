import { DEPOSIT_CATEGORIES } from '../deposit-requirement';
import { EXAM_ELIGIBLE_SCENARIOS, MEASURE_TYPES, SEVERITIES, STORE_TYPES, TRACKS, TRADEMARK_STATUSES, VIOLATION_CODES } from '../vocabulary';
import { RULE_DATA_FIELDS } from './rule-data';

export const RULE_DATA_PROBLEM_CODES = [
  'MISSING',
  'UNKNOWN_FIELD',
  'NOT_AN_OBJECT',
  'NOT_AN_ARRAY',
  'NOT_A_BOOLEAN',
  'NOT_POSITIVE_INTEGER',
  'NOT_NON_NEGATIVE_INTEGER',
  /** Money must be a non-negative integer number of fen (1 CNY = 100 fen). */
  'NOT_FEN',
  'UNKNOWN_VALUE',
  'DUPLICATE',
  'NOT_ASCENDING',
  'EMPTY',
  'INCONSISTENT',
] as const;
export type RuleDataProblemCode = (typeof RULE_DATA_PROBLEM_CODES)[number];

/** One thing wrong with rule data: the field (dotted path, `[i]` for array items, as the api's problem details name fields), a code and a sentence. */
export interface RuleDataProblem {
  field: string;
  code: RuleDataProblemCode;
  message: string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPositive = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/**
 * Every problem of rule data given as a whole (a draft from the editor, a version read back), none when
 * it is usable by the domain's functions. It checks shapes (every track, severity, store type and
 * trademark status present; no unknown field), values (points, days and counts non-negative integers,
 * windows and durations positive, money non-negative integer fen, measures, codes and scenarios of the
 * vocabulary, no duplicates), ladders (nodes positive and strictly ascending, since a node names a
 * sanction's cause and the ladder is read in order) and the consistency of parts that depend on each
 * other (a remediation forgery rule that does not terminate at its first case, forgery carrying no
 * points of its own, forfeiture stated both ways alike).
 */
export function validateRuleData(data: unknown): RuleDataProblem[] {
  const problems: RuleDataProblem[] = [];
  const add = (field: string, code: RuleDataProblemCode, message: string) => problems.push({ field, code, message });
  if (!isObject(data)) {
    add('', 'NOT_AN_OBJECT', 'rule data must be an object');
    return problems;
  }

  const known = new Set<string>(RULE_DATA_FIELDS);
  for (const key of Object.keys(data)) if (!known.has(key)) add(key, 'UNKNOWN_FIELD', `not a field of rule data (known: ${RULE_DATA_FIELDS.join(', ')})`);
  const present = (field: (typeof RULE_DATA_FIELDS)[number]): boolean => {
    if (data[field] !== undefined) return true;
    add(field, 'MISSING', 'is required');
    return false;
  };

  const object = (value: unknown, field: string): value is Obj => {
    if (isObject(value)) return true;
    add(field, 'NOT_AN_OBJECT', 'must be an object');
    return false;
  };
  const array = (value: unknown, field: string): value is unknown[] => {
    if (Array.isArray(value)) return true;
    add(field, 'NOT_AN_ARRAY', 'must be an array');
    return false;
  };
  const count = (value: unknown, field: string) => {
    if (!isCount(value)) add(field, 'NOT_NON_NEGATIVE_INTEGER', 'must be a non-negative integer');
  };
  const positive = (value: unknown, field: string) => {
    if (!isPositive(value)) add(field, 'NOT_POSITIVE_INTEGER', 'must be a positive integer');
  };
  const fen = (value: unknown, field: string) => {
    if (!isCount(value)) add(field, 'NOT_FEN', 'must be a non-negative integer amount in fen');
  };
  /** Exactly the keys `keys`, each checked by `each`. */
  const record = (value: unknown, field: string, keys: readonly string[], each: (v: unknown, f: string) => void) => {
    if (!object(value, field)) return;
    for (const key of keys) {
      if (value[key] === undefined) add(`${field}.${key}`, 'MISSING', 'is required');
      else each(value[key], `${field}.${key}`);
    }
    for (const key of Object.keys(value)) if (!keys.includes(key)) add(`${field}.${key}`, 'UNKNOWN_FIELD', `not one of ${keys.join(', ')}`);
  };
  /** A list of distinct members of `vocabulary`; answers the valid members. */
  const members = (value: unknown, field: string, vocabulary: readonly string[], opts: { nonEmpty?: boolean } = {}): string[] => {
    if (!array(value, field)) return [];
    if (opts.nonEmpty && value.length === 0) add(field, 'EMPTY', 'must name at least one');
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (typeof item !== 'string' || !vocabulary.includes(item)) add(`${field}[${i}]`, 'UNKNOWN_VALUE', `must be one of ${vocabulary.join(', ')}`);
      else if (seen.has(item)) add(`${field}[${i}]`, 'DUPLICATE', `${item} appears twice`);
      else seen.add(item);
    });
    return [...seen];
  };

  // Section 1: points.
  if (present('points')) record(data.points, 'points', TRACKS, (track, f) => record(track, f, SEVERITIES, count));
  if (present('pointOverrides') && object(data.pointOverrides, 'pointOverrides')) {
    for (const [code, cells] of Object.entries(data.pointOverrides)) {
      const f = `pointOverrides.${code}`;
      if (!(VIOLATION_CODES as readonly string[]).includes(code)) {
        add(f, 'UNKNOWN_VALUE', 'not a violation code of the catalogue');
        continue;
      }
      if (!object(cells, f)) continue;
      for (const [severity, points] of Object.entries(cells)) {
        if (!(SEVERITIES as readonly string[]).includes(severity)) add(`${f}.${severity}`, 'UNKNOWN_VALUE', `not a severity (${SEVERITIES.join(', ')})`);
        else count(points, `${f}.${severity}`);
      }
    }
  }
  if (present('examScenarioPoints')) count(data.examScenarioPoints, 'examScenarioPoints');
  if (present('selfCheckScenarios')) members(data.selfCheckScenarios, 'selfCheckScenarios', EXAM_ELIGIBLE_SCENARIOS);
  const pointless = present('pointlessCodes') ? members(data.pointlessCodes, 'pointlessCodes', VIOLATION_CODES) : null;

  // Section 3: ladders, one per track (an empty ladder: the track has none).
  if (present('ladders')) {
    record(data.ladders, 'ladders', TRACKS, (ladder, f) => {
      if (!array(ladder, f)) return;
      let previous: number | null = null;
      ladder.forEach((step, i) => {
        const at = `${f}[${i}]`;
        if (!object(step, at)) return;
        const fields = ['node', 'timedMeasures', 'timedMeasureDays', 'marketingBanDays', 'oneOffMeasures', 'fineFen', 'forfeitsDeposit'];
        for (const key of Object.keys(step)) if (!fields.includes(key)) add(`${at}.${key}`, 'UNKNOWN_FIELD', `not one of ${fields.join(', ')}`);
        if (!isPositive(step.node)) add(`${at}.node`, 'NOT_POSITIVE_INTEGER', 'must be a positive integer (a point total)');
        else {
          if (previous !== null && step.node <= previous) add(`${at}.node`, step.node === previous ? 'DUPLICATE' : 'NOT_ASCENDING', `${step.node} must be above the node before it (${previous})`);
          previous = step.node;
        }
        const timed = members(step.timedMeasures, `${at}.timedMeasures`, MEASURE_TYPES);
        const oneOff = members(step.oneOffMeasures, `${at}.oneOffMeasures`, MEASURE_TYPES);
        if (timed.includes('MARKETING_BAN')) add(`${at}.timedMeasures`, 'INCONSISTENT', 'the marketing-event ban is given by marketingBanDays, not as a timed measure');
        if (timed.length > 0) positive(step.timedMeasureDays, `${at}.timedMeasureDays`);
        else count(step.timedMeasureDays, `${at}.timedMeasureDays`);
        count(step.marketingBanDays, `${at}.marketingBanDays`);
        if (step.fineFen === undefined) add(`${at}.fineFen`, 'MISSING', 'is required (null for no fine)');
        else if (step.fineFen !== null) fen(step.fineFen, `${at}.fineFen`);
        if (typeof step.forfeitsDeposit !== 'boolean') add(`${at}.forfeitsDeposit`, 'NOT_A_BOOLEAN', 'must be true or false');
        else if (step.forfeitsDeposit !== oneOff.includes('DEPOSIT_FORFEITURE')) {
          add(`${at}.forfeitsDeposit`, 'INCONSISTENT', 'must be true exactly when oneOffMeasures include DEPOSIT_FORFEITURE');
        }
        if (timed.length === 0 && oneOff.length === 0 && step.marketingBanDays === 0 && (step.fineFen === null || step.fineFen === 0) && step.forfeitsDeposit === false) {
          add(at, 'EMPTY', 'a node must impose something (a measure, a marketing ban, a fine or forfeiture)');
        }
      });
    });
  }

  // Windows (sections 5, 6, 7) and exam chances (section 6).
  for (const field of ['appealWindowDays', 'secondAppealGraceDays', 'examChoiceWindowDays', 'depositTopUpDays'] as const) if (present(field)) positive(data[field], field);
  if (present('examChancesPerYear')) count(data.examChancesPerYear, 'examChancesPerYear');
  if (present('examScenarios')) members(data.examScenarios, 'examScenarios', EXAM_ELIGIBLE_SCENARIOS);

  // Section 4: the forgery rule and what it imposes.
  if (present('forgery') && object(data.forgery, 'forgery')) {
    const rule = data.forgery;
    if (rule.kind === 'CLEAR_OUT') {
      for (const key of Object.keys(rule)) if (key !== 'kind') add(`forgery.${key}`, 'UNKNOWN_FIELD', 'a CLEAR_OUT rule has no other field');
    } else if (rule.kind === 'REMEDIATION') {
      const fields = ['kind', 'remediationWindowDays', 'fineFenByCaseNumber', 'unremediedFineFen', 'terminateFromCaseNumber', 'severeTerminates'];
      for (const key of fields) if (rule[key] === undefined) add(`forgery.${key}`, 'MISSING', 'is required');
      for (const key of Object.keys(rule)) if (!fields.includes(key)) add(`forgery.${key}`, 'UNKNOWN_FIELD', `not one of ${fields.join(', ')}`);
      if (rule.remediationWindowDays !== undefined) positive(rule.remediationWindowDays, 'forgery.remediationWindowDays');
      if (rule.fineFenByCaseNumber !== undefined && array(rule.fineFenByCaseNumber, 'forgery.fineFenByCaseNumber')) {
        if (rule.fineFenByCaseNumber.length === 0) add('forgery.fineFenByCaseNumber', 'EMPTY', 'needs the fine of the first case at least');
        rule.fineFenByCaseNumber.forEach((f, i) => fen(f, `forgery.fineFenByCaseNumber[${i}]`));
      }
      if (rule.unremediedFineFen !== undefined) fen(rule.unremediedFineFen, 'forgery.unremediedFineFen');
      if (rule.terminateFromCaseNumber !== undefined) {
        if (!isPositive(rule.terminateFromCaseNumber)) add('forgery.terminateFromCaseNumber', 'NOT_POSITIVE_INTEGER', 'must be a positive integer (a case number)');
        else if (rule.terminateFromCaseNumber < 2) add('forgery.terminateFromCaseNumber', 'INCONSISTENT', 'a remediation rule that terminates from the first case never remedies: use kind CLEAR_OUT');
      }
      if (rule.severeTerminates !== undefined && typeof rule.severeTerminates !== 'boolean') add('forgery.severeTerminates', 'NOT_A_BOOLEAN', 'must be true or false');
    } else add('forgery.kind', 'UNKNOWN_VALUE', 'must be CLEAR_OUT or REMEDIATION');
  }
  if (present('forgeryClearOutMeasures')) members(data.forgeryClearOutMeasures, 'forgeryClearOutMeasures', MEASURE_TYPES, { nonEmpty: true });
  if (present('forgeryUnremediedMeasures')) members(data.forgeryUnremediedMeasures, 'forgeryUnremediedMeasures', MEASURE_TYPES);
  if (pointless && !pointless.includes('QUALIFICATION_FORGERY')) {
    add('pointlessCodes', 'INCONSISTENT', 'QUALIFICATION_FORGERY follows the forgery rule and must carry no points of its own');
  }

  // Section 7: the deposit table and its category overrides.
  if (present('deposit')) {
    record(data.deposit, 'deposit', ['tableFen', 'overrides'], (part, f) => {
      if (f === 'deposit.tableFen') return record(part, f, STORE_TYPES, (row, rf) => record(row, rf, TRADEMARK_STATUSES, fen));
      if (!array(part, f)) return;
      part.forEach((override, i) => {
        const at = `${f}[${i}]`;
        record(override, at, ['storeTypes', 'categoriesAny', 'amountFen', 'amountFenByStoreType'], (value, vf) => {
          if (vf.endsWith('.storeTypes')) members(value, vf, STORE_TYPES);
          else if (vf.endsWith('.categoriesAny')) members(value, vf, DEPOSIT_CATEGORIES);
          else if (vf.endsWith('.amountFen')) fen(value, vf);
          else if (object(value, vf)) {
            for (const [storeType, amount] of Object.entries(value)) {
              if (!(STORE_TYPES as readonly string[]).includes(storeType)) add(`${vf}.${storeType}`, 'UNKNOWN_VALUE', `not a store type (${STORE_TYPES.join(', ')})`);
              else fen(amount, `${vf}.${storeType}`);
            }
          }
        });
        if (isObject(override) && Array.isArray(override.storeTypes) && Array.isArray(override.categoriesAny) && override.storeTypes.length === 0 && override.categoriesAny.length === 0) {
          add(at, 'INCONSISTENT', 'an override with neither store types nor categories would replace the whole table');
        }
      });
    });
  }
  return problems;
}
