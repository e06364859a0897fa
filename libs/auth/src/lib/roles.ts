/** Operator roles, each including the one before: viewers read, reviewers decide cases, admins run the platform. */
export const ROLES = ['viewer', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Whether someone holding `held` may do what needs `needed`. */
export function roleAllows(held: readonly Role[], needed: Role): boolean {
  const rank = (role: Role) => ROLES.indexOf(role);
  return held.some((role) => rank(role) >= rank(needed));
}

/** Who is acting, however they proved it. */
export interface Principal {
  /** Stable identity: the account name, the IdP subject, or the API key id. */
  subject: string;
  roles: Role[];
  /**
   * The marketplaces the roles are for (rulebook section 9: a reviewer of tmall-global decides no
   * tmall case); absent: every marketplace.
   */
  marketplaces?: string[];
  via: 'SESSION' | 'OIDC' | 'API_KEY';
  /** What an API key may do (API keys hold no role). */
  scopes: string[];
  /** The platform session it came with (via SESSION), so that signing out can end it everywhere. */
  session?: { id: string; expiresAt: Date };
}
