import type { DataSource } from 'typeorm';
import { hashApiKeySecret, newApiKey, SessionRevocations } from '@penalty/auth';
import { systemClock } from '@penalty/domain';
import type { TransactionRunner } from '@penalty/messaging';
import { ProblemException } from '@penalty/runtime';
import { ApiKeys, ApiKeysConfig } from './api-keys';

/** The api key verifier's cache: fewer reads of the key's row, and never a key honoured that must not be. */
describe('API key verification', () => {
  const issued = newApiKey();
  const row = { key_id: issued.id, name: 'listing-audit', secret_hash: hashApiKeySecret(issued.secret), scopes: ['violations:write'], created_by: 'admin', created_at: new Date(), revoked_at: null };

  function verifier(cacheMs: number) {
    const database = { reads: 0, down: false, revoked: false };
    const dataSource = {
      query: async () => {
        database.reads++;
        if (database.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return database.revoked ? [] : [row];
      },
    } as unknown as DataSource;
    const revocations = new SessionRevocations();
    const config = Object.assign(new ApiKeysConfig(), { API_KEY_CACHE_MS: cacheMs });
    return { keys: new ApiKeys(dataSource, systemClock, {} as TransactionRunner, revocations, config), database, revocations };
  }

  it('reads the row once while the key is cached, and verifies the secret on every call', async () => {
    const { keys, database } = verifier(60_000);
    expect(await keys.verify(issued.key)).toMatchObject({ subject: `api-key:${issued.id}:listing-audit`, via: 'API_KEY', scopes: ['violations:write'] });
    expect(await keys.verify(issued.key)).not.toBeNull();
    expect(database.reads).toBe(1);
    // Same id, another secret: refused, cached or not.
    const forged = `pk_${issued.id}_${'A'.repeat(43)}`;
    expect(await keys.verify(forged)).toBeNull();
    expect(await keys.verify('pk_not-a-key')).toBeNull();
  });

  it('reads the row on every call with the cache off', async () => {
    const { keys, database } = verifier(0);
    await keys.verify(issued.key);
    await keys.verify(issued.key);
    expect(database.reads).toBe(2);
  });

  it('reads the row again once the cache time is over, and then refuses a key revoked meanwhile', async () => {
    const { keys, database } = verifier(30);
    await keys.verify(issued.key);
    database.revoked = true;
    await new Promise((r) => setTimeout(r, 40));
    expect(await keys.verify(issued.key)).toBeNull();
    expect(database.reads).toBe(2);
    // Known revoked: not trusted from the cache while the database is unavailable either.
    database.down = true;
    await expect(keys.verify(issued.key)).rejects.toMatchObject({ status: 503 });
  });

  it('refuses a cached key at once when a revocation of it is known (from this replica or the revocations topic)', async () => {
    const { keys, revocations } = verifier(60_000);
    expect(await keys.verify(issued.key)).not.toBeNull();
    revocations.apply({ kind: 'API_KEY_REVOKED', keyId: issued.id, subject: `api-key:${issued.id}`, at: new Date().toISOString() });
    expect(await keys.verify(issued.key)).toBeNull();
  });

  it('keeps trusting a key it verified while the database is unavailable, and answers 503 for one it has not', async () => {
    const { keys, database } = verifier(10);
    await keys.verify(issued.key);
    await new Promise((r) => setTimeout(r, 20));
    database.down = true;
    expect(await keys.verify(issued.key)).not.toBeNull();
    const other = newApiKey();
    await expect(keys.verify(other.key)).rejects.toEqual(expect.any(ProblemException));
    await expect(keys.verify(other.key)).rejects.toMatchObject({ status: 503, code: 'AUTH.UNAVAILABLE' });
  });
});
