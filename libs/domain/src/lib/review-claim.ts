/**
 * Review claims: one reviewer at a time works an appeal or a submitted forgery remediation (the
 * review queue, worked as a team). Whoever holds the claim decides or releases it; a claim is
 * taken over only by the reviewer it is handed to (an assignment to the holder's colleague is the
 * holder's or an unclaimed item's to make).
 */
export type ReviewClaimAction =
  /** Decide the item (accept, reject) or release its claim. */
  | { kind: 'DECIDE' | 'RELEASE' }
  /** Claim it for `holder`: the actor, or the colleague the actor assigns it to. */
  | { kind: 'CLAIM'; holder: string };

/** Who holds the claim that stops `actor` doing `action`; null when nothing stops them (unclaimed, or theirs). */
export function blockingClaim(claimedBy: string | null, actor: string, action: ReviewClaimAction): string | null {
  if (claimedBy === null || claimedBy === actor) return null;
  if (action.kind === 'CLAIM' && claimedBy === action.holder) return null;
  return claimedBy;
}
