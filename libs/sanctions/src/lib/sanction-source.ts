/** CloudEvent source of everything the sanction service publishes. */
export const SANCTION_SOURCE = 'sanction-service';
