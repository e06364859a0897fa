import type { MeasureType, Scenario, Severity, Track, ViolationCode } from './vocabulary';

/** One node of a point ladder (rulebook section 3). */
export interface LadderStep {
  node: number;
  /** Measures that end after `timedMeasureDays`. */
  timedMeasures: MeasureType[];
  timedMeasureDays: number;
  /** Marketing-event ban length; 0 for none. */
  marketingBanDays: number;
  /** One-off or permanent acts: no end. */
  oneOffMeasures: MeasureType[];
  fineFen: number | null;
  /** The whole deposit is taken (project default for "part or all"). */
  forfeitsDeposit: boolean;
}

/** Section 4: what a qualification-forgery case leads to under a rule version. */
export type ForgeryRule =
  | { kind: 'CLEAR_OUT' }
  | {
      kind: 'REMEDIATION';
      remediationWindowDays: number;
      /** Fine after accepted remediation, by the merchant's case number (1st, 2nd). */
      fineFenByCaseNumber: number[];
      unremediedFineFen: number;
      terminateFromCaseNumber: number;
      severeTerminates: boolean;
    };

/** A version of the rule data, in force from `effectiveFrom` until the next version's. */
export interface RuleSet {
  version: string;
  effectiveFrom: Date;
  /** Default points by track and severity. */
  points: Record<Track, Record<Severity, number>>;
  /** Cells that replace the default for one (code, severity). */
  pointOverrides: Partial<Record<ViolationCode, Partial<Record<Severity, number>>>>;
  /** Points of a violation carrying an exam-eligible scenario, whatever its severity. */
  examScenarioPoints: number;
  /** Scenarios whose first violation in a natural year costs nothing (self-check chance). */
  selfCheckScenarios: Scenario[];
  /** Codes carrying no points (handled by their own rule). */
  pointlessCodes: ViolationCode[];
  ladders: Record<Track, LadderStep[]>;
  appealWindowDays: number;
  forgery: ForgeryRule;
  /** Section 4: what a forgery clear-out imposes (termination of the store, confiscation of the deposit). */
  forgeryClearOutMeasures: MeasureType[];
  /** Section 4: what a remediation window closing without accepted documents imposes (one-off acts). */
  forgeryUnremediedMeasures: MeasureType[];
  /** Section 5: a rejected appeal may be followed by one more within the original window or this many days of the rejection, whichever is later. */
  secondAppealGraceDays: number;
  /** Section 6: exam chances an eligible merchant may be granted per natural year. */
  examChancesPerYear: number;
  /** Section 6: natural days after a decision within which the merchant may choose to use the chance. */
  examChoiceWindowDays: number;
  /** Section 6: the scenarios whose points an exam may waive. */
  examScenarios: Scenario[];
  /** Section 7: natural days to top the deposit back up before the store is supervised. */
  depositTopUpDays: number;
}
