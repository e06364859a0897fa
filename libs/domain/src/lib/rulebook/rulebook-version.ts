import { addNaturalDays, formatShanghai, shanghaiMidnight } from '../natural-year';
import { contentHashOf } from './canonical-json';
import type { RuleData } from './rule-data';
import { validateRuleData } from './rule-data-validation';
import { RulebookError } from './rulebook-error';

/**
 * Rulebook section 9, the life of a version: an operator drafts it (DRAFT, editable), a second
 * operator approves it (APPROVED, four eyes), merchants are told a lead time ahead (ANNOUNCED), and
 * it is IN_FORCE once the clock passes its effective date. A DRAFT, APPROVED or ANNOUNCED version may
 * be WITHDRAWN; one in force never is, and never changes: a change is a new version.
 */
export const RULEBOOK_VERSION_STATUSES = ['DRAFT', 'APPROVED', 'ANNOUNCED', 'IN_FORCE', 'WITHDRAWN'] as const;
export type RulebookVersionStatus = (typeof RULEBOOK_VERSION_STATUSES)[number];

/** Project default (section 9.4; Tmall Global announced its 2022-06-27 change on 2022-06-20). */
export const DEFAULT_ANNOUNCEMENT_LEAD_DAYS = 7;

/** Marketplace ids as the contract has them (`marketplace`: 1-32 chars of [a-z0-9-]). */
export const MARKETPLACE_PATTERN = /^[a-z0-9-]{1,32}$/;
/** Version ids: unique in a marketplace, named by the decisions judged by them (`ruleVersion`). */
export const RULEBOOK_VERSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface RulebookVersion {
  marketplace: string;
  /** Unique within the marketplace; decisions name it (`ruleVersion`). */
  versionId: string;
  /** The Asia/Shanghai calendar date (YYYY-MM-DD) from whose midnight it applies to violations' occurredAt. */
  effectiveFrom: string;
  ruleData: RuleData;
  /** sha256 (hex) of the canonical JSON of `ruleData`; decisions name it too. */
  contentHash: string;
  /** As last recorded; the clock may have put it in force since (see versionStatusAt). */
  status: RulebookVersionStatus;
  /** SEED: built in (the rulebook file's versions, with a deployment's RULE_OVERRIDES); OPERATOR: drafted by an operator. */
  origin: 'SEED' | 'OPERATOR';
  author: string;
  /** Operators other than the author who changed the draft: none of them may approve it either. */
  contributors: string[];
  approver: string | null;
  /** Announcement lead time in natural days before the effective date. */
  leadTimeDays: number;
  /** The version it was drafted from, if any (the editor's "draft from the version in force"). */
  basedOn: string | null;
  createdAt: Date;
  updatedAt: Date;
  approvedAt: Date | null;
  announcedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
}

/** The instant a version starts to apply: midnight Asia/Shanghai of its effective date. */
export function effectiveInstant(version: Pick<RulebookVersion, 'effectiveFrom'>): Date {
  return shanghaiMidnight(version.effectiveFrom);
}

/** When merchants are to be told: the lead time before the effective date (section 9.4). */
export function announceAt(version: Pick<RulebookVersion, 'effectiveFrom' | 'leadTimeDays'>): Date {
  return addNaturalDays(effectiveInstant(version), -version.leadTimeDays);
}

/** The status at `now`: an approved or announced version whose effective date has come is in force. */
export function versionStatusAt(version: RulebookVersion, now: Date): RulebookVersionStatus {
  if ((version.status === 'APPROVED' || version.status === 'ANNOUNCED') && now.getTime() >= effectiveInstant(version).getTime()) return 'IN_FORCE';
  return version.status;
}

/** An approved version whose announcement is due at `now` (the scheduler's question). */
export function announcementDue(version: RulebookVersion, now: Date): boolean {
  return versionStatusAt(version, now) === 'APPROVED' && now.getTime() >= announceAt(version).getTime();
}

function checkDate(effectiveFrom: string): void {
  const m = DATE_PATTERN.exec(effectiveFrom);
  const valid = m !== null && (() => {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
  })();
  if (!valid) throw new RulebookError('RULEBOOK.INVALID_VERSION', `effectiveFrom must be a calendar date YYYY-MM-DD (Asia/Shanghai), not ${JSON.stringify(effectiveFrom)}.`);
}

function checkRuleData(ruleData: unknown): asserts ruleData is RuleData {
  const problems = validateRuleData(ruleData);
  if (problems.length > 0) {
    throw new RulebookError('RULEBOOK.INVALID_RULE_DATA', `The rule data has ${problems.length} problem(s): ${problems.map((p) => `${p.field || '(root)'}: ${p.message}`).join('; ')}.`, problems);
  }
}

function checkLeadTime(days: number): void {
  if (!Number.isSafeInteger(days) || days < 0) throw new RulebookError('RULEBOOK.INVALID_VERSION', `leadTimeDays must be a non-negative integer, not ${days}.`);
}

/** Deep copy, so a stored version never shares objects with the caller's draft (in force, it must not change under anyone). */
const copy = <T>(value: T): T => structuredClone(value);

/** An operator drafts a version. Its rule data is validated as a whole; the content hash is computed here. */
export function draftVersion(input: {
  marketplace: string;
  versionId: string;
  effectiveFrom: string;
  ruleData: unknown;
  author: string;
  now: Date;
  leadTimeDays?: number;
  basedOn?: string | null;
}): RulebookVersion {
  if (!MARKETPLACE_PATTERN.test(input.marketplace)) throw new RulebookError('RULEBOOK.INVALID_VERSION', `marketplace must be 1-32 characters of a-z, 0-9 and -, not ${JSON.stringify(input.marketplace)}.`);
  if (!RULEBOOK_VERSION_ID_PATTERN.test(input.versionId)) throw new RulebookError('RULEBOOK.INVALID_VERSION', `versionId must be 1-64 characters of letters, digits and . _ + -, starting with a letter or digit, not ${JSON.stringify(input.versionId)}.`);
  if (input.author.trim() === '') throw new RulebookError('RULEBOOK.INVALID_VERSION', 'A version needs its author.');
  checkDate(input.effectiveFrom);
  const leadTimeDays = input.leadTimeDays ?? DEFAULT_ANNOUNCEMENT_LEAD_DAYS;
  checkLeadTime(leadTimeDays);
  checkRuleData(input.ruleData);
  const ruleData = copy(input.ruleData);
  return {
    marketplace: input.marketplace,
    versionId: input.versionId,
    effectiveFrom: input.effectiveFrom,
    ruleData,
    contentHash: contentHashOf(ruleData),
    status: 'DRAFT',
    origin: 'OPERATOR',
    author: input.author,
    contributors: [],
    approver: null,
    leadTimeDays,
    basedOn: input.basedOn ?? null,
    createdAt: input.now,
    updatedAt: input.now,
    approvedAt: null,
    announcedAt: null,
    withdrawnAt: null,
    withdrawnBy: null,
    withdrawalReason: null,
  };
}

function refuseUnlessDraft(version: RulebookVersion, now: Date, doing: string): void {
  const status = versionStatusAt(version, now);
  if (status === 'IN_FORCE') throw new RulebookError('RULEBOOK.IN_FORCE_IMMUTABLE', `Version ${version.versionId} of ${version.marketplace} is in force and never changes: draft a new version to ${doing}.`);
  if (status !== 'DRAFT') throw new RulebookError('RULEBOOK.NOT_A_DRAFT', `Version ${version.versionId} of ${version.marketplace} is ${status}; only a DRAFT can ${doing}.`);
}

/** An operator edits a draft: its rule data, effective date or lead time. Anyone but the author who does becomes a contributor. */
export function reviseDraft(version: RulebookVersion, change: { ruleData?: unknown; effectiveFrom?: string; leadTimeDays?: number }, by: string, now: Date): RulebookVersion {
  refuseUnlessDraft(version, now, 'be edited');
  if (change.effectiveFrom !== undefined) checkDate(change.effectiveFrom);
  if (change.leadTimeDays !== undefined) checkLeadTime(change.leadTimeDays);
  let ruleData = version.ruleData;
  if (change.ruleData !== undefined) {
    checkRuleData(change.ruleData);
    ruleData = copy(change.ruleData);
  }
  return {
    ...version,
    ruleData,
    contentHash: contentHashOf(ruleData),
    effectiveFrom: change.effectiveFrom ?? version.effectiveFrom,
    leadTimeDays: change.leadTimeDays ?? version.leadTimeDays,
    contributors: by === version.author || version.contributors.includes(by) ? version.contributors : [...version.contributors, by],
    updatedAt: now,
  };
}

/**
 * A second operator approves a draft (section 9.3): never its author nor anyone who edited it, only a
 * draft whose effective date is still ahead (a version never applies retroactively to a date already
 * begun), and only rule data that still is valid and hashes as recorded (the stored row was not altered).
 */
export function approveVersion(version: RulebookVersion, approver: string, now: Date): RulebookVersion {
  refuseUnlessDraft(version, now, 'be approved');
  if (approver === version.author || version.contributors.includes(approver)) {
    throw new RulebookError('RULEBOOK.FOUR_EYES', `${approver} drafted or edited version ${version.versionId}; another operator must approve it.`);
  }
  if (now.getTime() >= effectiveInstant(version).getTime()) {
    throw new RulebookError('RULEBOOK.EFFECTIVE_DATE_PASSED', `Version ${version.versionId} would take effect ${formatShanghai(effectiveInstant(version))}, which is not ahead of now (${formatShanghai(now)}); choose a later date.`);
  }
  checkRuleData(version.ruleData);
  if (contentHashOf(version.ruleData) !== version.contentHash) {
    throw new RulebookError('RULEBOOK.CONTENT_HASH_MISMATCH', `Version ${version.versionId}'s rule data does not hash to its recorded content hash.`);
  }
  return { ...version, status: 'APPROVED', approver, approvedAt: now, updatedAt: now };
}

/** Merchants are told (section 9.4): an approved version before its effective date (the scheduler does it at announceAt, or at once when approved later than that). */
export function announceVersion(version: RulebookVersion, now: Date): RulebookVersion {
  const status = versionStatusAt(version, now);
  if (status === 'IN_FORCE') throw new RulebookError('RULEBOOK.IN_FORCE_IMMUTABLE', `Version ${version.versionId} of ${version.marketplace} is already in force.`);
  if (status !== 'APPROVED') throw new RulebookError('RULEBOOK.NOT_APPROVED', `Version ${version.versionId} of ${version.marketplace} is ${status}; only an APPROVED version is announced.`);
  return { ...version, status: 'ANNOUNCED', announcedAt: now, updatedAt: now };
}

/** The clock has passed the effective date: record IN_FORCE (versionStatusAt already reads it so). */
export function recordInForce(version: RulebookVersion, now: Date): RulebookVersion {
  const status = versionStatusAt(version, now);
  if (status !== 'IN_FORCE') throw new RulebookError('RULEBOOK.NOT_APPROVED', `Version ${version.versionId} of ${version.marketplace} is ${status}, not in force at ${formatShanghai(now)}.`);
  return version.status === 'IN_FORCE' ? version : { ...version, status: 'IN_FORCE', updatedAt: now };
}

/** A version not yet in force is withdrawn (it will never apply); one in force never is. */
export function withdrawVersion(version: RulebookVersion, by: string, reason: string, now: Date): RulebookVersion {
  const status = versionStatusAt(version, now);
  if (status === 'IN_FORCE') throw new RulebookError('RULEBOOK.IN_FORCE_IMMUTABLE', `Version ${version.versionId} of ${version.marketplace} is in force and cannot be withdrawn: draft a new version.`);
  if (status === 'WITHDRAWN') throw new RulebookError('RULEBOOK.ALREADY_WITHDRAWN', `Version ${version.versionId} of ${version.marketplace} was withdrawn already.`);
  if (reason.trim() === '') throw new RulebookError('RULEBOOK.INVALID_VERSION', 'A withdrawal needs a reason.');
  return { ...version, status: 'WITHDRAWN', withdrawnAt: now, withdrawnBy: by, withdrawalReason: reason, updatedAt: now };
}
