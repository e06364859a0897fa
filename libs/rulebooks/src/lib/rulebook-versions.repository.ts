import { Injectable } from '@nestjs/common';
import type { RulebookVersion } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';

const DATE_FIELDS = ['createdAt', 'updatedAt', 'approvedAt', 'announcedAt', 'withdrawnAt'] as const;

/** A stored body back as the domain's version (its instants as Dates). */
function revive(body: Record<string, unknown>): RulebookVersion {
  const version = { ...body } as Record<string, unknown>;
  for (const field of DATE_FIELDS) version[field] = body[field] === null || body[field] === undefined ? null : new Date(body[field] as string);
  return version as unknown as RulebookVersion;
}

type Reader = Pick<Tx, 'query'>;

/** The only SQL of rulebook_version. */
@Injectable()
export class RulebookVersionsRepository {
  async marketplaces(db: Reader): Promise<string[]> {
    const rows = await db.query<{ marketplace: string }>('SELECT DISTINCT marketplace FROM rulebook_version ORDER BY marketplace');
    return rows.map((r) => r.marketplace);
  }

  /** Every version of a marketplace, by effective date then id. */
  async ofMarketplace(db: Reader, marketplace: string): Promise<RulebookVersion[]> {
    const rows = await db.query<{ body: Record<string, unknown> }>('SELECT body FROM rulebook_version WHERE marketplace = $1 ORDER BY effective_from, version_id', [marketplace]);
    return rows.map((r) => revive(r.body));
  }

  async all(db: Reader): Promise<RulebookVersion[]> {
    const rows = await db.query<{ body: Record<string, unknown> }>('SELECT body FROM rulebook_version ORDER BY marketplace, effective_from, version_id');
    return rows.map((r) => revive(r.body));
  }

  async find(db: Reader, marketplace: string, versionId: string): Promise<RulebookVersion | null> {
    const rows = await db.query<{ body: Record<string, unknown> }>('SELECT body FROM rulebook_version WHERE marketplace = $1 AND version_id = $2', [marketplace, versionId]);
    return rows.length > 0 ? revive(rows[0].body) : null;
  }

  /**
   * Locks the marketplace's rulebook for the rest of the transaction (a transaction-scoped advisory
   * lock on its name): changes of one marketplace's versions are serialised, so two approvals can
   * never make two versions applicable from one date.
   */
  async lockMarketplace(tx: Tx, marketplace: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('rulebook:' || $1, 0))`, [marketplace]);
  }

  /** Adds versions; one already stored under its (marketplace, id) is left as it is. Answers the ids added. */
  async insertNew(tx: Tx, versions: readonly RulebookVersion[]): Promise<string[]> {
    if (versions.length === 0) return [];
    const rows = await tx.query<{ version_id: string }>(
      `INSERT INTO rulebook_version (marketplace, version_id, effective_from, status, content_hash, body, updated_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
       ON CONFLICT (marketplace, version_id) DO NOTHING
       RETURNING version_id`,
      [
        versions.map((v) => v.marketplace),
        versions.map((v) => v.versionId),
        versions.map((v) => v.effectiveFrom),
        versions.map((v) => v.status),
        versions.map((v) => v.contentHash),
        versions.map((v) => JSON.stringify(v)),
        versions.map((v) => v.updatedAt),
      ],
    );
    return rows.map((r) => r.version_id);
  }

  async update(tx: Tx, version: RulebookVersion): Promise<void> {
    await tx.query(
      `UPDATE rulebook_version SET effective_from = $3, status = $4, content_hash = $5, body = $6, updated_at = $7 WHERE marketplace = $1 AND version_id = $2`,
      [version.marketplace, version.versionId, version.effectiveFrom, version.status, version.contentHash, JSON.stringify(version), version.updatedAt],
    );
  }
}
