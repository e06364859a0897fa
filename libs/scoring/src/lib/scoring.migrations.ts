import { APPEAL_MIGRATIONS } from '@penalty/appeals';
import { ScoringRemedies1763900200000 } from './scoring-remedies.migration';
import { ScoringRuleIdentity1764900200000, ScoringTables1763856100000, ScoringViolationEvidence1765100400000 } from './scoring.migration';
import { ScoringSimulations1764900400000 } from './simulate-rule-changes/simulation.migration';

/** Every migration of the scoring service's schema (its own tables and its appeals), in order. */
export const SCORING_MIGRATIONS = [ScoringTables1763856100000, ScoringRemedies1763900200000, ...APPEAL_MIGRATIONS, ScoringRuleIdentity1764900200000, ScoringSimulations1764900400000, ScoringViolationEvidence1765100400000];
