import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { MARKETPLACE_PATTERN } from '@penalty/domain';
import { isRole, type Principal, type Role } from './roles';

export const SESSION_ISSUER = 'penalty-platform';
export const SESSION_AUDIENCE = 'penalty-operators';

/** Claims of a session the platform issued after a local sign-in. */
export interface SessionClaims {
  subject: string;
  roles: Role[];
  /** The marketplaces the roles are for; absent: every marketplace. */
  marketplaces?: string[];
  /** The CSRF token bound to this session; unsafe requests must echo it in a header. */
  csrf: string;
  sessionId: string;
}

/** A verified session: its claims and its validity period. */
export interface VerifiedSession extends SessionClaims {
  issuedAt: Date;
  expiresAt: Date;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** A session token (JWT, HS256) for an http-only cookie; every service verifies it with the shared secret. */
export async function issueSessionToken(secret: string, claims: SessionClaims, ttlSeconds: number, now = new Date()): Promise<string> {
  return new SignJWT({ roles: claims.roles, csrf: claims.csrf, ...(claims.marketplaces ? { marketplaces: claims.marketplaces } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setJti(claims.sessionId)
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + ttlSeconds)
    .sign(keyOf(secret));
}

export async function verifySessionToken(secret: string, token: string, now = new Date()): Promise<VerifiedSession> {
  const { payload } = await jwtVerify(token, keyOf(secret), { issuer: SESSION_ISSUER, audience: SESSION_AUDIENCE, algorithms: ['HS256'], currentDate: now, requiredClaims: ['iat', 'exp', 'jti'] });
  return {
    subject: payload.sub!,
    roles: rolesOf(payload.roles),
    ...marketplacesOf(payload.marketplaces),
    csrf: String(payload.csrf ?? ''),
    sessionId: String(payload.jti),
    issuedAt: new Date(payload.iat! * 1000),
    expiresAt: new Date(payload.exp! * 1000),
  };
}

/** Only known roles count; an IdP may send them as an array or a space-separated string. */
export function rolesOf(claim: unknown): Role[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  return values.filter(isRole);
}

/**
 * The marketplaces of a claim (an array or a space-separated string): `{}` when absent (every
 * marketplace), else only the well-formed names, so a claim of nothing valid scopes to none.
 */
export function marketplacesOf(claim: unknown): { marketplaces?: string[] } {
  if (claim === undefined || claim === null) return {};
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/).filter(Boolean) : [];
  return { marketplaces: [...new Set(values.filter((v): v is string => typeof v === 'string' && MARKETPLACE_PATTERN.test(v)))] };
}

export interface OidcSettings {
  issuer: string;
  jwksUrl: string;
  audience: string;
  rolesClaim: string;
  /** Where the token names the marketplaces of the roles (dotted path); a token without it acts for every marketplace. */
  marketplacesClaim?: string;
}

/** Verifies bearer tokens of the company identity provider against its JWKS (fetched and cached by jose). */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: OidcSettings) {
    this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  async verify(token: string): Promise<Principal> {
    const { payload } = await jwtVerify(token, this.jwks, { issuer: this.settings.issuer, audience: this.settings.audience });
    const marketplaces = this.settings.marketplacesClaim ? marketplacesOf(claimAt(payload, this.settings.marketplacesClaim)) : {};
    return { subject: `oidc:${payload.sub}`, roles: rolesOf(claimAt(payload, this.settings.rolesClaim)), ...marketplaces, via: 'OIDC', scopes: [] };
  }
}

/** A claim by dotted path, e.g. `realm_access.roles`. */
export function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
}

/** A random token for CSRF and session ids, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Constant-time comparison of two strings. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
