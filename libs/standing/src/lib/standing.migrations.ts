import { StandingAppealClaims1764900600000, StandingDirectory1764900000000, StandingForgeryCaseClaims1765100200000 } from './standing-directory.migration';
import { StandingExamOffers1763900500000 } from './standing-exam-offers.migration';
import { StandingOps1763900700000, StandingSanctionTrack1764800200000 } from './standing-ops.migration';
import { StandingRemedies1763900400000 } from './standing-remedies.migration';
import { StandingTables1763856300000 } from './standing.migration';

/** The read model's tables (standing, remedies, ops views, directory), in order; the api also runs access, dead-letter and rulebook migrations. */
export const STANDING_READ_MODEL_MIGRATIONS = [
  StandingTables1763856300000,
  StandingRemedies1763900400000,
  StandingExamOffers1763900500000,
  StandingOps1763900700000,
  StandingSanctionTrack1764800200000,
  StandingDirectory1764900000000,
  StandingAppealClaims1764900600000,
  StandingForgeryCaseClaims1765100200000,
];
