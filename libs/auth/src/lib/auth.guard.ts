import { ThrottlerGuard } from '@nestjs/throttler';
import { Inject, Injectable, Optional, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, MinLength, validateSync } from 'class-validator';
import { ProblemException, PUBLIC_ROUTE } from '@penalty/runtime';
import { roleAllows, type Principal, type Role } from './roles';
import { SESSION_REVOCATIONS, type SessionRevocations } from './session-revocations';
import { OidcVerifier, sameSecret, verifySessionToken, type VerifiedSession } from './tokens';

export const SESSION_COOKIE = 'penalty_session';
export const CSRF_COOKIE = 'penalty_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const API_KEY_HEADER = 'x-api-key';

const REQUIRES = 'auth:requires';
const API_KEY_SCOPE = 'auth:api-key-scope';

/** The least role that may call this route (default: viewer to read, admin to change). */
export const Requires = (role: Role) => SetMetadata(REQUIRES, role);
/** Platform systems holding an API key with this scope may call this route too. */
export const ApiKeyScope = (scope: string) => SetMetadata(API_KEY_SCOPE, scope);
/** The API key scope a route accepts (ApiKeyScope on the handler or its controller), for the OpenAPI document. */
export const apiKeyScopeOf = (reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): string | undefined => reflector.getAllAndOverride<string | undefined>(API_KEY_SCOPE, targets);

/** Settings of sign-in, read at boot. */
export class AuthConfig {
  /** Signs and verifies session tokens; the same value in every service. */
  @IsString()
  @MinLength(32, { message: 'AUTH_SESSION_SECRET must be at least 32 characters' })
  AUTH_SESSION_SECRET!: string;

  @IsOptional() @IsUrl({ require_tld: false }) OIDC_ISSUER?: string;
  @IsOptional() @IsUrl({ require_tld: false }) OIDC_JWKS_URL?: string;
  @IsOptional() @IsString() OIDC_AUDIENCE?: string;
  @IsOptional() @IsString() OIDC_ROLES_CLAIM = 'roles';
  /** The claim naming the marketplaces an operator's roles are for (dotted path); without it in a token, every marketplace. */
  @IsOptional() @IsString() OIDC_MARKETPLACES_CLAIM = 'marketplaces';

  /** false only for plain-http development; browsers keep Secure cookies on http://localhost anyway. */
  @IsOptional() @IsIn(['true', 'false']) COOKIE_SECURE = 'true';
}

export function loadAuthConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AuthConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length > 0) throw new Error(`Invalid configuration:\n${errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`).join('\n')}`);
  // Bearer tokens of the identity provider need its keys and the audience; OIDC_ISSUER alone serves the api's sign-in with it.
  if (!config.OIDC_JWKS_URL !== !config.OIDC_AUDIENCE || (config.OIDC_JWKS_URL && !config.OIDC_ISSUER)) throw new Error('Invalid configuration:\n  OIDC_JWKS_URL and OIDC_AUDIENCE go together, with OIDC_ISSUER');
  return config;
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
/** Verifies an API key (the api service keeps them); absent elsewhere. */
export const API_KEY_VERIFIER = Symbol('API_KEY_VERIFIER');
export interface ApiKeyVerifier {
  verify(key: string): Promise<Principal | null>;
}

interface AuthRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string>;
  principal?: Principal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const header = (req: AuthRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Every HTTP route needs a principal unless marked @Public: a session cookie (with the CSRF header on
 * unsafe methods), a bearer token (a platform session token or the identity provider's), or an API
 * key where the route names a scope. 401 when none is valid, 403 when the role or scope falls short.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly oidc?: OidcVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Optional() @Inject(API_KEY_VERIFIER) private readonly apiKeys?: ApiKeyVerifier,
    @Optional() @Inject(SESSION_REVOCATIONS) private readonly revocations?: SessionRevocations,
  ) {
    if (config.OIDC_JWKS_URL) this.oidc = new OidcVerifier({ issuer: config.OIDC_ISSUER!, jwksUrl: config.OIDC_JWKS_URL!, audience: config.OIDC_AUDIENCE!, rolesClaim: config.OIDC_ROLES_CLAIM, marketplacesClaim: config.OIDC_MARKETPLACES_CLAIM });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthRequest>();
    const scope = this.reflector.getAllAndOverride<string | undefined>(API_KEY_SCOPE, targets);
    const needed = this.reflector.getAllAndOverride<Role | undefined>(REQUIRES, targets) ?? (UNSAFE.has(req.method) ? 'admin' : 'viewer');

    let principal: Principal;
    try {
      principal = await this.authenticate(req);
    } catch (error) {
      // Credentials that cannot be checked now (the api's database is unavailable): say when to retry.
      if (error instanceof ProblemException && error.status === 503) context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', '1');
      throw error;
    }
    req.principal = principal;
    if (principal.via === 'API_KEY') {
      if (scope && principal.scopes.includes(scope)) return true;
      throw new ProblemException(403, 'AUTH.FORBIDDEN', 'Forbidden', scope ? `This API key lacks the scope ${scope}.` : 'API keys may not call this route.');
    }
    if (!roleAllows(principal.roles, needed)) throw new ProblemException(403, 'AUTH.FORBIDDEN', 'Forbidden', `This needs the ${needed} role.`);
    return true;
  }

  private async authenticate(req: AuthRequest): Promise<Principal> {
    const unauthenticated = (detail: string) => new ProblemException(401, 'AUTH.UNAUTHENTICATED', 'Unauthenticated', detail);
    const apiKey = header(req, API_KEY_HEADER);
    if (apiKey) {
      const principal = this.apiKeys ? await this.apiKeys.verify(apiKey) : null;
      if (!principal) throw unauthenticated('The API key is unknown or revoked.');
      return principal;
    }
    const bearer = /^Bearer (.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    if (bearer) {
      const session = await this.session(bearer);
      if (session) return this.principalOf(session);
      const oidc = this.oidc ? await this.oidc.verify(bearer).catch(() => null) : null;
      if (oidc) return oidc;
      throw unauthenticated('The bearer token is invalid or expired.');
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const session = await this.session(cookie);
      if (!session) throw unauthenticated('The session is invalid, expired or ended; sign in again.');
      // A cookie travels with any request the browser makes: unsafe ones must prove they come from our page.
      const csrf = header(req, CSRF_HEADER);
      if (UNSAFE.has(req.method) && (!csrf || !sameSecret(csrf, session.csrf))) throw new ProblemException(403, 'AUTH.CSRF', 'Forbidden', `Missing or wrong ${CSRF_HEADER} header.`);
      return this.principalOf(session);
    }
    throw unauthenticated('Sign in, or send a bearer token or an API key.');
  }

  /** A valid session token that was not signed out and whose operator was not disabled since. */
  private async session(token: string): Promise<VerifiedSession | null> {
    const session = await verifySessionToken(this.config.AUTH_SESSION_SECRET, token).catch(() => null);
    if (!session || this.revocations?.revokes(session)) return null;
    return session;
  }

  private principalOf(session: VerifiedSession): Principal {
    return { subject: session.subject, roles: session.roles, ...(session.marketplaces ? { marketplaces: session.marketplaces } : {}), via: 'SESSION', scopes: [], session: { id: session.sessionId, expiresAt: session.expiresAt } };
  }
}

/**
 * Rate limits per authenticated principal (an API key, an operator), else per client address. The
 * count of a named limit is the principal's across every route that applies it (e.g. ingestion: one
 * event or a batch), not per route.
 */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    return (req as AuthRequest).principal?.subject ?? String(req.ip);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}
