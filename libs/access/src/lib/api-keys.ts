import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsString, Length, Max, Min, MinLength, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import {
  ACCESS_REVOCATIONS_TOPIC, hashApiKeySecret, matchesApiKeyDigest, newApiKey, parseApiKey, Requires, SESSION_REVOCATIONS,
  type AccessRevocation, type ApiKeyVerifier, type Principal, type SessionRevocations,
} from '@penalty/auth';
import type { Clock } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { isRetriableDatabaseError, recordAudit } from '@penalty/persistence';
import { Actor, CLOCK, ProblemException, validRequest, ApiListOkResponse } from '@penalty/runtime';

/** How long a verified API key is trusted without reading its row again; validated at boot. */
export class ApiKeysConfig {
  /** 0 reads the row on every request. A revocation is honoured at once regardless (see ApiKeys). */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(0)
  @Max(300_000)
  API_KEY_CACHE_MS = 5_000;
}

/** What platform systems may do with a key. */
export const API_KEY_SCOPES = ['violations:write', 'standing:read', 'rulebooks:read'] as const;
export type ApiKeyScopeName = (typeof API_KEY_SCOPES)[number];

export class CreateApiKeyRequest {
  @ApiProperty({ description: 'Which system holds it', example: 'listing-audit', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, minItems: 1, uniqueItems: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScopeName[];
}

export class RevokeApiKeyRequest {
  @ApiProperty({ minLength: 3, maxLength: 2000 })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class ApiKeyDto {
  @ApiProperty() keyId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes: string[];
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself, shown once: only its hash is stored. Send it as the x-api-key header.' }) key: string;
}

interface KeyRow {
  key_id: string;
  name: string;
  secret_hash: string;
  scopes: string[];
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toDto = (r: KeyRow): ApiKeyDto => ({
  keyId: r.key_id, name: r.name, scopes: r.scopes, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

interface VerifiedKey {
  /** SHA-256 of the key's secret, as stored in its row (hex there). */
  secretDigest: Buffer;
  principal: Principal;
  /** performance.now() until which the row need not be read again. */
  until: number;
}

/** Verified keys kept at most (keys are issued by hand, so this is never reached in practice). */
const MAX_CACHED_KEYS = 10_000;

/**
 * API keys of platform systems: stored as SHA-256 of their secret, scoped, revocable. A key verified
 * against its row is trusted for API_KEY_CACHE_MS (ingestion calls arrive by the thousand per
 * second; reading the row for each was a database round trip per request), and a revocation still
 * takes effect on the next request: the revoking replica forgets the key at once, and every replica
 * refuses it as soon as it reads the revocation (API_KEY_REVOKED on the internal revocations topic,
 * which each service reads whole before it is ready). The cache only ever holds keys that verified,
 * and a key whose row says revoked leaves it. While the database is unavailable, a key verified
 * before is still honoured (no revocation can be written meanwhile; one written before is known from
 * the topic) and any other is answered 503.
 */
@Injectable()
export class ApiKeys implements ApiKeyVerifier {
  private readonly verified = new Map<string, VerifiedKey>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: TransactionRunner,
    @Inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
    private readonly config: ApiKeysConfig,
  ) {}

  async verify(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    if (this.revocations.revokesApiKey(parsed.id)) return null;
    const cached = this.verified.get(parsed.id);
    // One hash of the presented secret, compared in constant time with the stored one.
    const fromCache = () => (cached && matchesApiKeyDigest(parsed.secret, cached.secretDigest) ? cached.principal : null);
    if (cached && cached.until > performance.now()) return fromCache();
    let rows: KeyRow[];
    try {
      rows = await this.dataSource.query('SELECT * FROM api_key WHERE key_id = $1 AND revoked_at IS NULL', [parsed.id]);
    } catch (error) {
      if (!isRetriableDatabaseError(error)) throw error;
      // The database is unavailable: a key verified before stays trusted (a revocation since would be
      // known from the revocations topic, and none can be written meanwhile); any other waits for it.
      if (cached) return fromCache();
      throw new ProblemException(503, 'AUTH.UNAVAILABLE', 'Service unavailable', 'The API key cannot be checked now (the database is unavailable); retry shortly.');
    }
    const [row] = rows;
    if (!row) {
      // Revoked or gone: never trusted again, not even while the database is unavailable.
      this.verified.delete(parsed.id);
      return null;
    }
    const secretDigest = Buffer.from(row.secret_hash, 'hex');
    if (!matchesApiKeyDigest(parsed.secret, secretDigest)) return null;
    const principal: Principal = Object.freeze({ subject: `api-key:${row.key_id}:${row.name}`, roles: [], via: 'API_KEY' as const, scopes: Object.freeze([...row.scopes]) as string[] });
    // Not kept if it was revoked while its row was read.
    if (this.config.API_KEY_CACHE_MS > 0 && !this.revocations.revokesApiKey(parsed.id)) this.remember(parsed.id, { secretDigest, principal, until: performance.now() + this.config.API_KEY_CACHE_MS });
    return principal;
  }

  private remember(keyId: string, verified: VerifiedKey): void {
    if (this.verified.size >= MAX_CACHED_KEYS) {
      const now = performance.now();
      for (const [id, entry] of this.verified) if (entry.until <= now) this.verified.delete(id);
      if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
    }
    this.verified.set(keyId, verified);
  }

  async create(request: CreateApiKeyRequest, actor: string, fixedKey?: string): Promise<CreatedApiKeyDto> {
    const generated = fixedKey ? parseApiKey(fixedKey) : null;
    const { id, secret, key } = generated ? { ...generated, key: fixedKey! } : newApiKey();
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const [row]: KeyRow[] = await manager.query(
        'INSERT INTO api_key (key_id, name, secret_hash, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_id) DO NOTHING RETURNING *',
        [id, request.name, hashApiKeySecret(secret), request.scopes, actor, now],
      );
      if (!row) throw new ProblemException(409, 'API_KEY.EXISTS', 'Key exists', `Key ${id} already exists.`);
      await recordAudit(manager, { actor, action: 'API_KEY.CREATE', merchantId: '', subjectType: 'API_KEY', subjectId: id, reason: request.name, details: { scopes: request.scopes }, occurredAt: now });
      return { ...toDto(row), key };
    });
  }

  /** Revokes the key in its row and tells every replica (whose cache may hold it), in one transaction. */
  async revoke(keyId: string, reason: string, actor: string): Promise<ApiKeyDto> {
    const now = this.clock.now();
    const subject = `api-key:${keyId}`;
    const dto = await this.runner.run(async (tx) => {
      const [row] = await tx.query<KeyRow>('UPDATE api_key SET revoked_at = $2, revoked_by = $3 WHERE key_id = $1 AND revoked_at IS NULL RETURNING *', [keyId, now, actor]);
      if (!row) throw ProblemException.notFound('API_KEY.NOT_FOUND', `No active API key ${keyId}.`);
      await recordAudit(tx.manager, { actor, action: 'API_KEY.REVOKE', merchantId: '', subjectType: 'API_KEY', subjectId: keyId, reason, occurredAt: now });
      const revocation: AccessRevocation = { kind: 'API_KEY_REVOKED', keyId, subject, at: now.toISOString() };
      tx.append({ topic: ACCESS_REVOCATIONS_TOPIC, key: subject, value: JSON.stringify(revocation), headers: {} });
      tx.afterCommit(() => {
        // This replica honours it at once; the others as soon as they read it.
        this.revocations.apply(revocation, now);
        this.verified.delete(keyId);
      });
      return toDto(row);
    });
    return dto;
  }

  async list(): Promise<ApiKeyDto[]> {
    const rows: KeyRow[] = await this.dataSource.query('SELECT * FROM api_key ORDER BY created_at DESC');
    return rows.map(toDto);
  }
}

@ApiTags('access')
@Controller('v1/api-keys')
@Requires('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key to a platform system (admin). The key is shown once. Audited.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBody({ type: CreateApiKeyRequest })
  @ApiConflictResponse({ description: 'API_KEY.EXISTS: a key with that id exists' })
  create(@Body() body: unknown, @Actor() actor: string): Promise<CreatedApiKeyDto> {
    return this.keys.create(validRequest(CreateApiKeyRequest, body), actor);
  }

  @Get()
  @ApiOperation({ summary: 'API keys (never their secret)' })
  @ApiListOkResponse(ApiKeyDto)
  async list(): Promise<{ items: ApiKeyDto[] }> {
    return { items: await this.keys.list() };
  }

  @Post(':keyId/revocation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key: it stops working at the next request. Audited.' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiBody({ type: RevokeApiKeyRequest })
  @ApiNotFoundResponse({ description: 'API_KEY.NOT_FOUND: no active key with that id' })
  revoke(@Param('keyId') keyId: string, @Body() body: unknown, @Actor() actor: string): Promise<ApiKeyDto> {
    return this.keys.revoke(keyId, validRequest(RevokeApiKeyRequest, body).reason, actor);
  }
}
