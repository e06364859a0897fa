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
}
