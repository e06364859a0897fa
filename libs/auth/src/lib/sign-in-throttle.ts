import { isIPv6 } from 'node:net';

/** Settings of sign-in throttling (the api reads them from the environment at boot). */
export interface SignInThrottleSettings {
  /** Attempts, right or wrong, of one client address in a sliding minute. */
  attemptsPerAddressPerMinute: number;
  /** Wrong passwords for one username before each further attempt must wait. */
  freeFailuresPerUsername: number;
  /** Wrong passwords from one client address before each further attempt must wait (high: a team may share an address). */
  freeFailuresPerAddress: number;
  /** The first wait; each further wrong password doubles it. */
  backoffBaseMs: number;
  /** The longest wait. */
  backoffMaxMs: number;
  /** Counted wrong passwords of a username leak away, one per this many ms (slowly: this bounds a patient guesser's rate). */
  forgetUsernameFailureEveryMs: number;
  /** Counted wrong passwords of an address leak away, one per this many ms, so that a team's old typos are forgotten. */
  forgetAddressFailureEveryMs: number;
  /** Keys remembered at most (oldest forgotten first), so that made-up usernames cannot exhaust memory. */
  maxKeys: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleSettings = {
  attemptsPerAddressPerMinute: 120,
  freeFailuresPerUsername: 5,
  freeFailuresPerAddress: 100,
  backoffBaseMs: 1_000,
  backoffMaxMs: 15 * 60_000,
  forgetUsernameFailureEveryMs: 15 * 60_000,
  forgetAddressFailureEveryMs: 60_000,
  maxKeys: 100_000,
};

export type SignInRefusal = { retryAfterSeconds: number; limit: 'USERNAME' | 'ADDRESS' | 'ADDRESS_RATE' };

interface Failures {
  /** Wrong passwords counted (fractional while they leak away). */
  level: number;
  at: number;
  /** No attempt for this key before then. */
  lockedUntil: number;
}

/**
 * Exponential backoff on wrong passwords, per key: after `free` of them the key is locked for base,
 * after each further one for 2 × base, 4 × base … (at most max). Attempts while locked are refused
 * and do not count, so hammering does not lengthen the lock; a leak forgets old failures.
 */
class FailureBackoff {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly free: number,
    private readonly leakMs: number,
    private readonly settings: SignInThrottleSettings,
  ) {}

  /** Milliseconds until the key may try again (0: now). */
  waitMs(key: string, now: number): number {
    const entry = this.current(key, now);
    return entry ? Math.max(0, entry.lockedUntil - now) : 0;
  }

  fail(key: string, now: number): void {
    const entry = this.current(key, now) ?? { level: 0, at: now, lockedUntil: 0 };
    entry.level += 1;
    entry.at = now;
    // Rounded up: a failure that leaked a little during the wait still doubles it.
    const over = Math.ceil(entry.level) - this.free;
    if (over >= 0) entry.lockedUntil = now + Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** Math.min(over, 40));
    // Re-inserted: the map's order is then least recently failed first, which is what is forgotten first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.settings.maxKeys) break;
      this.entries.delete(oldest);
    }
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private current(key: string, now: number): Failures | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.level = Math.max(0, entry.level - (now - entry.at) / this.leakMs);
    entry.at = now;
    if (entry.level === 0 && entry.lockedUntil <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

/** Attempts of one address in a sliding minute: this minute's plus the last one's, weighted by overlap. */
class AttemptRate {
  private readonly windows = new Map<string, { start: number; current: number; previous: number }>();

  constructor(private readonly settings: SignInThrottleSettings) {}

  /** Counts the attempt, or answers how long to wait (ms) when the address is over its rate. */
  take(key: string, now: number): number {
    const minute = 60_000;
    let window = this.windows.get(key);
    if (!window) window = { start: now, current: 0, previous: 0 };
    if (now >= window.start + minute) {
      const elapsed = Math.floor((now - window.start) / minute);
      window.previous = elapsed === 1 ? window.current : 0;
      window.current = 0;
      window.start += elapsed * minute;
    }
    const estimate = window.previous * (1 - (now - window.start) / minute) + window.current + 1;
    this.windows.delete(key);
    this.windows.set(key, window);
    for (const oldest of this.windows.keys()) {
      if (this.windows.size <= this.settings.maxKeys) break;
      this.windows.delete(oldest);
    }
    if (estimate > this.settings.attemptsPerAddressPerMinute) return Math.ceil(minute / this.settings.attemptsPerAddressPerMinute);
    window.current++;
    return 0;
  }
}

/**
 * Sign-in throttling that slows guessing without locking everyone out: wrong passwords back off
 * exponentially per username (guessing one account stops) and, with a much higher allowance, per
 * client address; every attempt also counts against the address's rate per minute. Ten wrong passwords
 * for one name therefore do not stop another operator behind the same proxy. A correct password ends
 * its username's backoff, not its address's (an attacker with an account of their own cannot reset it).
 * In memory: each api replica counts on its own.
 */
export class SignInThrottle {
  private readonly usernames: FailureBackoff;
  private readonly addresses: FailureBackoff;
  private readonly rate: AttemptRate;

  constructor(
    readonly settings: SignInThrottleSettings = DEFAULT_SIGN_IN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    this.usernames = new FailureBackoff(settings.freeFailuresPerUsername, settings.forgetUsernameFailureEveryMs, settings);
    this.addresses = new FailureBackoff(settings.freeFailuresPerAddress, settings.forgetAddressFailureEveryMs, settings);
    this.rate = new AttemptRate(settings);
  }

  /** Before the password is checked: null to go on (the attempt is counted), else how long to wait. */
  admit(username: string, address: string): SignInRefusal | null {
    const now = this.now();
    const refusal = (ms: number, limit: SignInRefusal['limit']): SignInRefusal => ({ retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)), limit });
    const forUsername = this.usernames.waitMs(usernameKey(username), now);
    if (forUsername > 0) return refusal(forUsername, 'USERNAME');
    const forAddress = this.addresses.waitMs(addressKey(address), now);
    if (forAddress > 0) return refusal(forAddress, 'ADDRESS');
    const forRate = this.rate.take(addressKey(address), now);
    return forRate > 0 ? refusal(forRate, 'ADDRESS_RATE') : null;
  }

  failed(username: string, address: string): void {
    const now = this.now();
    this.usernames.fail(usernameKey(username), now);
    this.addresses.fail(addressKey(address), now);
  }

  succeeded(username: string): void {
    this.usernames.clear(usernameKey(username));
  }

  /** Usernames and addresses remembered (for tests). */
  get size(): { usernames: number; addresses: number } {
    return { usernames: this.usernames.size, addresses: this.addresses.size };
  }
}

/** Usernames are stored lowercase; spelling one differently must not dodge its backoff. */
const usernameKey = (username: string) => username.trim().toLowerCase();

/**
 * The key an address is counted under: an IPv4 address as written (also when it came IPv4-mapped,
 * ::ffff:a.b.c.d), an IPv6 address by its /64, the block one subscriber or host usually holds whole;
 * otherwise each of its 2^64 addresses would get an allowance of its own.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
