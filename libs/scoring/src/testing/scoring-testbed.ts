import { Topics } from '@penalty/contracts';
import type { Clock } from '@penalty/domain';
import { SCORING_MIGRATIONS } from '../lib/scoring.migrations';

/** The options of a HandlerTestbed (libs/testing) of the scoring service's schema and topics, for its handlers' database-backed tests. */
export const scoringTestbedOptions = (clock: Clock) => ({
  schema: 'scoring',
  migrations: SCORING_MIGRATIONS,
  topics: [Topics.ViolationsDetectedV1, Topics.PenaltiesAssessedV1, Topics.RemediesUpdatedV1],
  clock,
});
