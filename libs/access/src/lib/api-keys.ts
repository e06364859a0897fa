import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length, MinLength, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { hashApiKeySecret, newApiKey, parseApiKey, Requires, sameSecret, type ApiKeyVerifier, type Principal } from '@penalty/auth';
import type { Clock } from '@penalty/domain';
import { recordAudit } from '@penalty/persistence';
import { Actor, CLOCK, ProblemException, validRequest } from '@penalty/runtime';

/** What platform systems may do with a key. */
export const API_KEY_SCOPES = ['violations:write', 'standing:read'] as const;
export type ApiKeyScopeName = (typeof API_KEY_SCOPES)[number];

export class CreateApiKeyRequest {
  @ApiProperty({ description: 'Which system holds it', example: 'listing-audit' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
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

/**
 * API keys of platform systems: stored as SHA-256 of their secret, scoped, revocable. Every request
 * reads the key's row, so a revocation takes effect on the next request.
 */
@Injectable()
export class ApiKeys implements ApiKeyVerifier {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async verify(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const [row]: KeyRow[] = await this.dataSource.query('SELECT * FROM api_key WHERE key_id = $1 AND revoked_at IS NULL', [parsed.id]);
    if (!row || !sameSecret(row.secret_hash, hashApiKeySecret(parsed.secret))) return null;
    return { subject: `api-key:${row.key_id}:${row.name}`, roles: [], via: 'API_KEY', scopes: row.scopes };
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

  async revoke(keyId: string, reason: string, actor: string): Promise<ApiKeyDto> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const [[row]]: [KeyRow[], number] = await manager.query(
        'UPDATE api_key SET revoked_at = $2, revoked_by = $3 WHERE key_id = $1 AND revoked_at IS NULL RETURNING *',
        [keyId, now, actor],
      );
      if (!row) throw ProblemException.notFound('API_KEY.NOT_FOUND', `No active API key ${keyId}.`);
      await recordAudit(manager, { actor, action: 'API_KEY.REVOKE', merchantId: '', subjectType: 'API_KEY', subjectId: keyId, reason, occurredAt: now });
      return toDto(row);
    });
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
  create(@Body() body: unknown, @Actor() actor: string): Promise<CreatedApiKeyDto> {
    return this.keys.create(validRequest(CreateApiKeyRequest, body), actor);
  }

  @Get()
  @ApiOperation({ summary: 'API keys (never their secret)' })
  @ApiOkResponse({ type: ApiKeyDto, isArray: true })
  async list(): Promise<{ items: ApiKeyDto[] }> {
    return { items: await this.keys.list() };
  }

  @Post(':keyId/revocation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key: it stops working at the next request. Audited.' })
  @ApiOkResponse({ type: ApiKeyDto })
  revoke(@Param('keyId') keyId: string, @Body() body: unknown, @Actor() actor: string): Promise<ApiKeyDto> {
    return this.keys.revoke(keyId, validRequest(RevokeApiKeyRequest, body).reason, actor);
  }
}
