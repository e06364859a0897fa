import { Body, Controller, Get, HttpCode, Inject, Injectable, Logger, Param, Post, Req, Res, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ACCESS_REVOCATIONS_TOPIC, AUTH_CONFIG, CSRF_COOKIE, hashPassword, issueSessionToken, randomToken, Requires, ROLES, SESSION_COOKIE, SESSION_REVOCATIONS, SignInThrottle, verifyPassword,
  type AccessRevocation, type AuthConfig, type Principal, type Role, type SessionRevocations,
} from '@penalty/auth';
import { appendToOutbox, TransactionRunner } from '@penalty/messaging';
import { MARKETPLACE_PATTERN, type Clock } from '@penalty/domain';
import { recordAudit } from '@penalty/persistence';
import { Actor, CLOCK, ProblemException, Public, validRequest, ApiListOkResponse } from '@penalty/runtime';
import { ApiKeys, type ApiKeyScopeName } from './api-keys';

/** How long a session lasts; operators sign in again after a working day. */
export const SESSION_TTL_SECONDS = 8 * 3600;
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export class SignInRequest {
  @ApiProperty({ maxLength: 64 }) @IsString() @MaxLength(64) username: string;
  @ApiProperty({ maxLength: 256 }) @IsString() @MaxLength(256) password: string;
}

export class CreateOperatorRequest {
  @ApiProperty({ description: '3-64 lowercase letters, digits, . _ -', pattern: USERNAME.source })
  @Matches(USERNAME, { message: 'username must be 3-64 lowercase letters, digits, . _ - starting with a letter or digit' })
  username: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  password: string;

  @ApiProperty({ enum: ROLES, isArray: true, minItems: 1, uniqueItems: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ type: String, isArray: true, uniqueItems: true, pattern: MARKETPLACE_PATTERN.source, description: 'The marketplaces the roles are for (a reviewer of one marketplace decides none of another); absent: every marketplace' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @Matches(MARKETPLACE_PATTERN, { each: true, message: 'each marketplace must be lowercase letters, digits and dashes' })
  marketplaces?: string[];
}

/** Who is calling, as GET /v1/auth/me answers it. */
export class PrincipalDto {
  @ApiProperty({ description: 'The account name, the identity provider subject, or the API key id' }) subject: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ enum: ['SESSION', 'OIDC', 'API_KEY'] }) via: Principal['via'];
  @ApiProperty({ type: String, isArray: true, description: 'What an API key may do (API keys hold no role)' }) scopes: string[];
  @ApiPropertyOptional({ type: String, isArray: true, description: 'The marketplaces the roles are for; absent: every marketplace' }) marketplaces?: string[];
}

export class SessionDto {
  @ApiProperty() username: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiPropertyOptional({ type: String, isArray: true, description: 'The marketplaces the roles are for; absent: every marketplace' }) marketplaces?: string[];
  @ApiProperty({ description: 'Send it as the x-csrf-token header on every POST made with the session cookie' }) csrfToken: string;
  @ApiProperty() expiresAt: string;
}

export class OperatorDto {
  @ApiProperty() username: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ type: String, isArray: true, nullable: true, description: 'The marketplaces the roles are for; null: every marketplace' }) marketplaces: string[] | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) disabledAt: string | null;
}

interface AccountRow {
  username: string;
  password_hash: string;
  roles: Role[];
  marketplaces: string[] | null;
  created_at: Date;
  disabled_at: Date | null;
}

const toDto = (r: AccountRow): OperatorDto => ({ username: r.username, roles: r.roles, marketplaces: r.marketplaces ?? null, createdAt: new Date(r.created_at).toISOString(), disabledAt: r.disabled_at ? new Date(r.disabled_at).toISOString() : null });

/** Local operator accounts: passwords hashed with scrypt, sessions as signed tokens in http-only cookies. */
@Injectable()
export class Operators implements OnApplicationBootstrap {
  private readonly logger = new Logger(Operators.name);
  /** Compared against when the username is unknown, so timing does not tell which usernames exist. */
  private readonly decoy = hashPassword(randomToken());

  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeys,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: TransactionRunner,
    @Inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
    private readonly throttle: SignInThrottle,
  ) {}

  /** The first admin and the first API key of a fresh deployment come from the environment. */
  async onApplicationBootstrap(): Promise<void> {
    const { BOOTSTRAP_ADMIN_USERNAME: username, BOOTSTRAP_ADMIN_PASSWORD: password, BOOTSTRAP_API_KEY: key, BOOTSTRAP_API_KEY_SCOPES: scopes } = process.env;
    if (username && password) {
      const [known] = await this.dataSource.query('SELECT 1 FROM operator_account WHERE username = $1', [username]);
      if (!known) {
        await this.create({ username, password, roles: ['admin'] }, 'bootstrap');
        this.logger.log(`created the bootstrap admin ${username}`);
      }
    }
    if (key) {
      const [known] = await this.dataSource.query('SELECT 1 FROM api_key WHERE key_id = $1', [key.split('_')[1]]);
      if (!known) await this.apiKeys.create({ name: 'bootstrap', scopes: (scopes ?? 'violations:write').split(',') as ApiKeyScopeName[] }, 'bootstrap', key);
    }
  }

  /** `address` is the client's (req.ip: the connection's peer, or X-Forwarded-For from a proxy in TRUST_PROXY). */
  async signIn(request: SignInRequest, address: string, response: Response): Promise<SessionDto> {
    // Refused before the password is checked: a locked username cannot be guessed at, and costs no scrypt.
    const refusal = this.throttle.admit(request.username, address);
    if (refusal) {
      response.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      const whose = refusal.limit === 'USERNAME' ? 'for this username' : 'from this address';
      throw new ProblemException(429, 'AUTH.SIGN_IN_THROTTLED', 'Too many sign-in attempts', `Too many sign-in attempts ${whose}; try again in ${refusal.retryAfterSeconds} s.`);
    }
    const [account]: AccountRow[] = await this.dataSource.query('SELECT * FROM operator_account WHERE username = $1', [request.username]);
    const valid = await verifyPassword(request.password, account?.password_hash ?? (await this.decoy));
    if (!account || !valid || account.disabled_at) {
      this.throttle.failed(request.username, address);
      await this.audit(request.username.slice(0, 64), 'AUTH.SIGN_IN_FAILED', 'wrong username or password, or account disabled', { address });
      throw new ProblemException(401, 'AUTH.SIGN_IN_FAILED', 'Sign-in failed', 'Wrong username or password.');
    }
    this.throttle.succeeded(account.username);
    return this.openSession({ subject: account.username, roles: account.roles, ...(account.marketplaces ? { marketplaces: account.marketplaces } : {}) }, { address }, response);
  }

  /**
   * A signed-in operator's session (a local account's, or the identity provider's after its sign-in):
   * the http-only session cookie and the CSRF cookie the page echoes, audited as AUTH.SIGN_IN.
   */
  async openSession(who: { subject: string; roles: Role[]; marketplaces?: string[] }, details: Record<string, unknown>, response: Response): Promise<SessionDto> {
    const now = this.clock.now();
    const csrf = randomToken();
    const token = await issueSessionToken(this.config.AUTH_SESSION_SECRET, { ...who, csrf, sessionId: randomUUID() }, SESSION_TTL_SECONDS, now);
    const cookie = { secure: this.config.COOKIE_SECURE === 'true', sameSite: 'strict' as const, path: '/', maxAge: SESSION_TTL_SECONDS * 1000 };
    response.cookie(SESSION_COOKIE, token, { ...cookie, httpOnly: true });
    // Readable by the dashboard's script, which echoes it in x-csrf-token; a forged request cannot read it.
    response.cookie(CSRF_COOKIE, csrf, { ...cookie, httpOnly: false });
    await this.audit(who.subject, 'AUTH.SIGN_IN', 'signed in', details);
    return { username: who.subject, roles: who.roles, ...(who.marketplaces ? { marketplaces: who.marketplaces } : {}), csrfToken: csrf, expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000).toISOString() };
  }

  /** A sign-in refused after the credentials were checked elsewhere (the identity provider's), audited. */
  signInFailed(subject: string, reason: string, details: Record<string, unknown>): Promise<void> {
    return this.audit(subject.slice(0, 200), 'AUTH.SIGN_IN_FAILED', reason, details);
  }

  async create(request: CreateOperatorRequest, actor: string): Promise<OperatorDto> {
    const now = this.clock.now();
    const passwordHash = await hashPassword(request.password);
    return this.dataSource.transaction(async (manager) => {
      const [row]: AccountRow[] = await manager.query(
        'INSERT INTO operator_account (username, password_hash, roles, marketplaces, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING *',
        [request.username, passwordHash, request.roles, request.marketplaces ?? null, now],
      );
      if (!row) throw new ProblemException(409, 'OPERATOR.EXISTS', 'Operator exists', `An operator named ${request.username} exists.`);
      await recordAudit(manager, { actor, action: 'OPERATOR.CREATE', merchantId: '', subjectType: 'OPERATOR', subjectId: request.username, reason: 'account created', details: { roles: request.roles, marketplaces: request.marketplaces ?? null }, occurredAt: now });
      return toDto(row);
    });
  }

  async disable(username: string, actor: string): Promise<OperatorDto> {
    // An admin who disables their own account may leave nobody able to manage accounts.
    if (username === actor) throw new ProblemException(409, 'OPERATOR.SELF_DISABLE', 'Cannot disable yourself', 'Another admin must disable your account.');
    const now = this.clock.now();
    const revocation: AccessRevocation = { kind: 'OPERATOR_DISABLED', subject: username, at: now.toISOString() };
    return this.runner.run(async ({ manager }) => {
      const [[row]]: [AccountRow[], number] = await manager.query('UPDATE operator_account SET disabled_at = $2 WHERE username = $1 AND disabled_at IS NULL RETURNING *', [username, now]);
      if (!row) throw ProblemException.notFound('OPERATOR.NOT_FOUND', `No active operator ${username}.`);
      await recordAudit(manager, { actor, action: 'OPERATOR.DISABLE', merchantId: '', subjectType: 'OPERATOR', subjectId: username, reason: 'account disabled', occurredAt: now });
      // Every session the operator still holds ends too, in every service.
      this.publishRevocation(manager, revocation);
      return toDto(row);
    }).then((dto) => this.afterRevocation(dto, revocation));
  }

  /** Signing out ends the session everywhere, not only in this browser: a copied token stops working too. */
  async signOut(principal: Principal): Promise<void> {
    if (!principal.session) return;
    const revocation: AccessRevocation = { kind: 'SESSION_ENDED', sessionId: principal.session.id, subject: principal.subject, expiresAt: principal.session.expiresAt.toISOString() };
    const now = this.clock.now();
    await this.runner.run(async ({ manager }) => {
      await recordAudit(manager, { actor: principal.subject, action: 'AUTH.SIGN_OUT', merchantId: '', subjectType: 'OPERATOR', subjectId: principal.subject, reason: 'signed out', occurredAt: now });
      this.publishRevocation(manager, revocation);
    });
    this.afterRevocation(undefined, revocation);
  }

  private publishRevocation(manager: EntityManager, revocation: AccessRevocation): void {
    appendToOutbox(manager, { topic: ACCESS_REVOCATIONS_TOPIC, key: revocation.subject, value: JSON.stringify(revocation), headers: {} });
  }

  /** Published: this service honours it at once, the others as soon as they read it (well under a second). */
  private afterRevocation<T>(result: T, revocation: AccessRevocation): T {
    this.revocations.apply(revocation, this.clock.now());
    return result;
  }

  async list(): Promise<OperatorDto[]> {
    return ((await this.dataSource.query('SELECT * FROM operator_account ORDER BY username')) as AccountRow[]).map(toDto);
  }

  private async audit(actor: string, action: string, reason: string, details?: Record<string, unknown>): Promise<void> {
    await this.dataSource.transaction((manager) => recordAudit(manager, { actor, action, merchantId: '', subjectType: 'OPERATOR', subjectId: actor, reason, details, occurredAt: this.clock.now() }));
  }
}

@ApiTags('access')
@Controller('v1/auth')
export class SessionsController {
  constructor(private readonly operators: Operators) {}

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a local account: sets the http-only session cookie and the CSRF cookie (throttled per username and client address: 429 with Retry-After)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiBody({ type: SignInRequest })
  @ApiUnauthorizedResponse({ description: 'AUTH.SIGN_IN_FAILED: wrong username or password, or a disabled account' })
  @ApiTooManyRequestsResponse({ description: 'AUTH.SIGN_IN_THROTTLED: too many failed attempts for this username or address; Retry-After says when to try again' })
  signIn(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    return this.operators.signIn(validRequest(SignInRequest, body), request.ip ?? request.socket.remoteAddress ?? 'unknown', response);
  }

  @Post('sign-out')
  @Requires('viewer')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session in every service (a copy of the token stops working too) and clears the session cookies' })
  async signOut(@Req() request: Request & { principal: Principal }, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.operators.signOut(request.principal);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  @Get('me')
  @ApiOperation({ summary: 'Who is signed in, and with which roles' })
  @ApiOkResponse({ type: PrincipalDto })
  me(@Req() request: Request & { principal: Principal }): Omit<Principal, 'session'> {
    const { subject, roles, via, scopes, marketplaces } = request.principal;
    return { subject, roles, via, scopes, ...(marketplaces ? { marketplaces } : {}) };
  }
}

@ApiTags('access')
@Controller('v1/operators')
@Requires('admin')
export class OperatorsController {
  constructor(private readonly operators: Operators) {}

  @Post()
  @ApiOperation({ summary: 'Create a local operator account (admin). Audited.' })
  @ApiCreatedResponse({ type: OperatorDto })
  @ApiBody({ type: CreateOperatorRequest })
  @ApiConflictResponse({ description: 'OPERATOR.EXISTS: an operator of that name exists' })
  create(@Body() body: unknown, @Actor() actor: string): Promise<OperatorDto> {
    return this.operators.create(validRequest(CreateOperatorRequest, body), actor);
  }

  @Get()
  @ApiOperation({ summary: 'Every operator account, with its roles and whether it is disabled (admin)' })
  @ApiListOkResponse(OperatorDto)
  async list(): Promise<{ items: OperatorDto[] }> {
    return { items: await this.operators.list() };
  }

  @Post(':username/disabling')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an operator account (admin). Audited.' })
  @ApiOkResponse({ type: OperatorDto })
  @ApiNotFoundResponse({ description: 'OPERATOR.NOT_FOUND: no active operator of that name' })
  @ApiConflictResponse({ description: 'OPERATOR.SELF_DISABLE: another admin must disable you' })
  disable(@Param('username') username: string, @Actor() actor: string): Promise<OperatorDto> {
    return this.operators.disable(username, actor);
  }
}

