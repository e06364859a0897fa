/**
 * Sessions ended before their expiry, known to every service: a session signed out, or every session
 * of an operator disabled. Session tokens are verified locally by each service, so the api publishes
 * these on an internal topic and each service keeps them in memory (they matter for a session's
 * lifetime only, 8 h). API keys revoked travel the same way, for api replicas that hold a key in
 * their short-lived cache of verified keys.
 */
export const ACCESS_REVOCATIONS_TOPIC = 'platform.access-revocations.v1';

export type AccessRevocation =
  | { kind: 'SESSION_ENDED'; sessionId: string; subject: string; expiresAt: string }
  | { kind: 'OPERATOR_DISABLED'; subject: string; at: string }
  | { kind: 'API_KEY_REVOKED'; keyId: string; subject: string; at: string };

export interface SessionInForce {
  sessionId: string;
  subject: string;
  issuedAt: Date;
}

export const SESSION_REVOCATIONS = Symbol('SESSION_REVOCATIONS');

export class SessionRevocations {
  /** Session id → when the token would have expired (kept until then). */
  private readonly endedSessions = new Map<string, number>();
  /** Operator → when it was disabled: sessions issued up to then are over. */
  private readonly disabledOperators = new Map<string, number>();
  /** API keys revoked (for good: a revoked key never works again). */
  private readonly revokedApiKeys = new Set<string>();

  apply(revocation: AccessRevocation, now = new Date()): void {
    switch (revocation.kind) {
      case 'SESSION_ENDED': {
        const expiresAt = Date.parse(revocation.expiresAt);
        if (expiresAt > now.getTime()) this.endedSessions.set(revocation.sessionId, expiresAt);
        break;
      }
      case 'OPERATOR_DISABLED':
        this.disabledOperators.set(revocation.subject, Math.max(Date.parse(revocation.at), this.disabledOperators.get(revocation.subject) ?? 0));
        break;
      case 'API_KEY_REVOKED':
        this.revokedApiKeys.add(revocation.keyId);
        break;
    }
    this.forgetExpired(now);
  }

  /** Whether an API key was revoked (a key verified against the database before its revocation must be refused now). */
  revokesApiKey(keyId: string): boolean {
    return this.revokedApiKeys.has(keyId);
  }

  /** Whether a valid session token must nevertheless be refused. */
  revokes(session: SessionInForce): boolean {
    if (this.endedSessions.has(session.sessionId)) return true;
    const disabledAt = this.disabledOperators.get(session.subject);
    // Token times have whole seconds: a session issued in the second of the disabling is over too.
    return disabledAt !== undefined && session.issuedAt.getTime() <= disabledAt;
  }

  private forgetExpired(now: Date): void {
    for (const [sessionId, expiresAt] of this.endedSessions) if (expiresAt <= now.getTime()) this.endedSessions.delete(sessionId);
  }
}

/** Reads a message of the revocations topic; null when it is not one (it is then ignored). */
export function parseAccessRevocation(value: string): AccessRevocation | null {
  try {
    const r = JSON.parse(value) as Partial<AccessRevocation> & Record<string, unknown>;
    if (r.kind === 'SESSION_ENDED' && typeof r.sessionId === 'string' && typeof r.subject === 'string' && typeof r.expiresAt === 'string' && !Number.isNaN(Date.parse(r.expiresAt))) {
      return { kind: r.kind, sessionId: r.sessionId, subject: r.subject, expiresAt: r.expiresAt };
    }
    if (r.kind === 'OPERATOR_DISABLED' && typeof r.subject === 'string' && typeof r.at === 'string' && !Number.isNaN(Date.parse(r.at))) {
      return { kind: r.kind, subject: r.subject, at: r.at };
    }
    if (r.kind === 'API_KEY_REVOKED' && typeof r.keyId === 'string' && typeof r.subject === 'string' && typeof r.at === 'string' && !Number.isNaN(Date.parse(r.at))) {
      return { kind: r.kind, keyId: r.keyId, subject: r.subject, at: r.at };
    }
    return null;
  } catch {
    return null;
  }
}
