import { Controller, Get, Inject, Injectable, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { AUTH_CONFIG, claimAt, marketplacesOf, rolesOf, type AuthConfig } from '@penalty/auth';
import { ProblemException, Public } from '@penalty/runtime';
import { OidcSignInConfig, safeReturnPath } from './oidc-sign-in.config';
import { Operators } from './operators';

/** Why a sign-in with the identity provider was refused, as the dashboard names it (?signInError=). */
export type OidcSignInError = 'AUTH.OIDC_FAILED' | 'AUTH.OIDC_CANCELLED' | 'AUTH.OIDC_NO_ROLES' | 'AUTH.IDP_UNAVAILABLE';

export class SignInMethodsDto {
  @ApiProperty({ description: 'The local password form (always, for bootstrap)' }) password: boolean;
  @ApiPropertyOptional({ description: "The company identity provider's sign-in button, when configured", type: () => IdentityProviderDto, nullable: true })
  identityProvider: IdentityProviderDto | null;
}

export class IdentityProviderDto {
  @ApiProperty({ description: 'What the button says' }) name: string;
  @ApiProperty({ description: "This service's path that starts the sign-in (a browser navigation, with ?returnTo=/path)" }) authorizePath: string;
}

/** What the browser holds between the redirect to the provider and its return: a signed, short-lived, http-only cookie. */
interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export const OIDC_FLOW_COOKIE = 'penalty_oidc_flow';
const FLOW_AUDIENCE = 'penalty-oidc-flow';
const FLOW_TTL_SECONDS = 600;

/**
 * Sign-in with the company's identity provider (README "Who may call what"): OpenID Connect
 * authorization code flow with PKCE (S256), state and nonce, through openid-client; a confidential
 * client when OIDC_CLIENT_SECRET is set, a public one otherwise. The provider's metadata comes from its
 * discovery document (OIDC_ISSUER), read at the first sign-in and kept. Roles and marketplaces come
 * from the claims OIDC_ROLES_CLAIM and OIDC_MARKETPLACES_CLAIM of the ID token, or of the userinfo
 * answer when the ID token lacks the roles claim; the result is a platform session like a local
 * sign-in's, whose subject is `oidc:<sub>`.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger(OidcSignIn.name);
  private readonly on: boolean;
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    private readonly config: OidcSignInConfig,
    @Inject(AUTH_CONFIG) private readonly auth: AuthConfig,
    private readonly operators: Operators,
  ) {
    this.on = config.enabled();
  }

  methods(): SignInMethodsDto {
    return { password: true, identityProvider: this.on ? { name: this.config.OIDC_DISPLAY_NAME, authorizePath: '/v1/auth/oidc/authorize' } : null };
  }

  /** Where to send the browser: the provider's authorization endpoint, with the flow cookie set. */
  async authorize(returnTo: unknown, response: Response): Promise<string> {
    this.assertOn();
    let provider: oidc.Configuration;
    try {
      provider = await this.provider();
    } catch (error) {
      this.logger.warn(`the identity provider's discovery document cannot be read: ${(error as Error).message}`);
      return this.refusedPath('AUTH.IDP_UNAVAILABLE');
    }
    const flow: Flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo: safeReturnPath(returnTo) ? returnTo : this.config.OIDC_POST_SIGN_IN_PATH };
    response.cookie(OIDC_FLOW_COOKIE, await this.seal(flow), this.flowCookie());
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: this.config.OIDC_REDIRECT_URI!,
      scope: this.config.OIDC_SCOPES,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return url.href;
  }

  /** The provider's answer: a session and the page the operator came from, or the sign-in page saying why not. */
  async callback(request: Request, response: Response): Promise<string> {
    this.assertOn();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const flow = await this.unseal(request.cookies?.[OIDC_FLOW_COOKIE]);
    response.clearCookie(OIDC_FLOW_COOKIE, { ...this.flowCookie(), maxAge: undefined });
    const refuse = async (code: OidcSignInError, reason: string, subject = 'oidc:unknown') => {
      await this.operators.signInFailed(subject, reason, { address, via: 'OIDC', code });
      return this.refusedPath(code);
    };
    if (!flow) return refuse('AUTH.OIDC_FAILED', 'no sign-in with the identity provider under way in this browser (or it took over 10 minutes)');
    // The query as the provider sent it, on the registered callback URL (this service may sit behind a proxy under another path).
    const current = new URL(this.config.OIDC_REDIRECT_URI!);
    current.search = new URL(request.originalUrl ?? request.url, 'http://callback').search;
    let provider: oidc.Configuration;
    try {
      provider = await this.provider();
    } catch (error) {
      return refuse('AUTH.IDP_UNAVAILABLE', `the identity provider's discovery document cannot be read: ${(error as Error).message}`.slice(0, 500));
    }
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(provider, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
      claims = { ...tokens.claims()! };
      if (claimAt(claims, this.auth.OIDC_ROLES_CLAIM) === undefined && provider.serverMetadata().userinfo_endpoint) {
        claims = { ...(await oidc.fetchUserInfo(provider, tokens.access_token, String(claims.sub))), ...claims };
      }
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied') return refuse('AUTH.OIDC_CANCELLED', 'the identity provider refused or the operator cancelled');
      this.logger.warn(`a sign-in with the identity provider failed: ${(error as Error).message}`);
      return refuse('AUTH.OIDC_FAILED', `the identity provider's answer was refused: ${(error as Error).message}`.slice(0, 500));
    }
    const subject = `oidc:${String(claims.sub)}`;
    const roles = rolesOf(claimAt(claims, this.auth.OIDC_ROLES_CLAIM));
    if (roles.length === 0) return refuse('AUTH.OIDC_NO_ROLES', `the identity provider's ${this.auth.OIDC_ROLES_CLAIM} claim names no role of this platform`, subject);
    await this.operators.openSession({ subject, roles, ...marketplacesOf(claimAt(claims, this.auth.OIDC_MARKETPLACES_CLAIM)) }, { address, via: 'OIDC', issuer: this.config.OIDC_ISSUER }, response);
    return flow.returnTo;
  }

  private assertOn(): void {
    if (!this.on) throw ProblemException.notFound('AUTH.OIDC_NOT_CONFIGURED', 'Sign-in with an identity provider is not configured here (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_REDIRECT_URI).');
  }

  /** The discovery document, read once; a failed read is tried again at the next sign-in. */
  private provider(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(this.config.OIDC_ISSUER!),
        this.config.OIDC_CLIENT_ID!,
        this.config.OIDC_CLIENT_SECRET,
        this.config.OIDC_CLIENT_SECRET ? oidc.ClientSecretBasic(this.config.OIDC_CLIENT_SECRET) : oidc.None(),
        { timeout: 5, ...(this.config.OIDC_ALLOW_HTTP === 'true' ? { execute: [oidc.allowInsecureRequests] } : {}) },
      )
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }

  private refusedPath(code: OidcSignInError): string {
    const [path, hash] = this.config.OIDC_POST_SIGN_IN_PATH.split('#', 2);
    return `${path}${path.includes('?') ? '&' : '?'}signInError=${encodeURIComponent(code)}${hash === undefined ? '' : `#${hash}`}`;
  }

  private flowCookie() {
    // Lax, not Strict: the provider's redirect back is a cross-site navigation, on which a Strict cookie is not sent.
    return { httpOnly: true, secure: this.auth.COOKIE_SECURE === 'true', sameSite: 'lax' as const, path: '/', maxAge: FLOW_TTL_SECONDS * 1000 };
  }

  private seal(flow: Flow): Promise<string> {
    return new SignJWT({ ...flow }).setProtectedHeader({ alg: 'HS256' }).setAudience(FLOW_AUDIENCE).setIssuedAt().setExpirationTime(`${FLOW_TTL_SECONDS}s`).sign(new TextEncoder().encode(this.auth.AUTH_SESSION_SECRET));
  }

  private async unseal(token: unknown): Promise<Flow | null> {
    if (typeof token !== 'string') return null;
    const verified = await jwtVerify(token, new TextEncoder().encode(this.auth.AUTH_SESSION_SECRET), { audience: FLOW_AUDIENCE, algorithms: ['HS256'] }).catch(() => null);
    const flow = verified?.payload as Partial<Flow> | undefined;
    if (!flow || typeof flow.state !== 'string' || typeof flow.nonce !== 'string' || typeof flow.verifier !== 'string' || !safeReturnPath(flow.returnTo)) return null;
    return { state: flow.state, nonce: flow.nonce, verifier: flow.verifier, returnTo: flow.returnTo };
  }
}

@ApiTags('access')
@Controller('v1/auth')
export class OidcSignInController {
  constructor(private readonly signIn: OidcSignIn) {}

  @Get('methods')
  @Public()
  @ApiOperation({ summary: 'How operators can sign in here: the password form, and the company identity provider when configured' })
  @ApiOkResponse({ type: SignInMethodsDto })
  methods(): SignInMethodsDto {
    return this.signIn.methods();
  }

  @Get('oidc/authorize')
  @Public()
  @ApiOperation({ summary: "Start a sign-in with the company identity provider (a browser navigation): redirects to the provider's authorization endpoint (code flow with PKCE)" })
  @ApiQuery({ name: 'returnTo', required: false, description: 'Where on this origin to land after the sign-in (a path such as /#/review); anything else is ignored', schema: { type: 'string', maxLength: 512 } })
  @ApiResponse({ status: 302, description: "To the identity provider; or, when it cannot be reached, to the sign-in page with ?signInError=AUTH.IDP_UNAVAILABLE", headers: { Location: { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'AUTH.OIDC_NOT_CONFIGURED: no identity provider is configured' })
  async authorize(@Query('returnTo') returnTo: unknown, @Res() response: Response): Promise<void> {
    const location = await this.signIn.authorize(returnTo, response);
    response.setHeader('cache-control', 'no-store');
    response.redirect(302, location);
  }

  @Get('oidc/callback')
  @Public()
  @ApiOperation({ summary: "The identity provider's redirect back: on success sets the session cookies (as a local sign-in does) and redirects to where the sign-in started; otherwise to the sign-in page with ?signInError=AUTH.OIDC_FAILED | AUTH.OIDC_CANCELLED | AUTH.OIDC_NO_ROLES | AUTH.IDP_UNAVAILABLE. Audited either way." })
  // RFC 6749: both are printable ASCII (VSCHAR); bounded so the request line stays within the HTTP edge's header limit.
  @ApiQuery({ name: 'code', required: false, description: "The provider's authorization code", schema: { type: 'string', maxLength: 2048, pattern: '^[\\x20-\\x7E]*$' } })
  @ApiQuery({ name: 'state', required: false, description: 'The state this service sent with the sign-in', schema: { type: 'string', maxLength: 2048, pattern: '^[\\x20-\\x7E]*$' } })
  @ApiResponse({ status: 303, description: 'To the page the sign-in started from, or to the sign-in page with the reason', headers: { Location: { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'AUTH.OIDC_NOT_CONFIGURED: no identity provider is configured' })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const location = await this.signIn.callback(request, response);
    response.setHeader('cache-control', 'no-store');
    response.redirect(303, location);
  }
}
