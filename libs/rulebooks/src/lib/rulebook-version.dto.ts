import { announceAt, effectiveInstant, formatShanghai, versionStatusAt, type RulebookVersion } from '@penalty/domain';
import type { RulebookVersionDto } from './manage-versions/rulebook-version.requests';

const at = (d: Date | null) => (d ? formatShanghai(d) : null);

/** A stored version as the HTTP answers it, its status as of `now`. */
export function rulebookVersionDto(version: RulebookVersion, now: Date): RulebookVersionDto {
  return {
    marketplace: version.marketplace,
    versionId: version.versionId,
    effectiveFrom: version.effectiveFrom,
    effectiveAt: formatShanghai(effectiveInstant(version)),
    status: versionStatusAt(version, now),
    contentHash: version.contentHash,
    origin: version.origin,
    author: version.author,
    contributors: version.contributors,
    approver: version.approver,
    leadTimeDays: version.leadTimeDays,
    announceAt: formatShanghai(announceAt(version)),
    basedOn: version.basedOn,
    createdAt: formatShanghai(version.createdAt),
    updatedAt: formatShanghai(version.updatedAt),
    approvedAt: at(version.approvedAt),
    announcedAt: at(version.announcedAt),
    withdrawnAt: at(version.withdrawnAt),
    withdrawnBy: version.withdrawnBy,
    withdrawalReason: version.withdrawalReason,
    ruleData: version.ruleData as unknown as Record<string, unknown>,
  };
}
