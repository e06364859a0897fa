import { addressKey, DEFAULT_SIGN_IN_THROTTLE, SignInThrottle, type SignInThrottleSettings } from './sign-in-throttle';
import { trustedProxies } from './trusted-proxies';

describe('SignInThrottle', () => {
  let clock = 0;
  const throttle = (settings: Partial<SignInThrottleSettings> = {}) => new SignInThrottle({ ...DEFAULT_SIGN_IN_THROTTLE, ...settings }, () => clock);
  beforeEach(() => (clock = 1_000_000));

  /** One sign-in with a wrong password: refused by the throttle (its refusal) or checked and counted (null). */
  const wrong = (t: SignInThrottle, username: string, address: string) => {
    const refusal = t.admit(username, address);
    if (!refusal) t.failed(username, address);
    return refusal;
  };

  it('backs off exponentially per username after the free failures, and refusals do not count', () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) expect(wrong(t, 'alice', '10.0.0.1')).toBeNull();
    // Five wrong: 1 s, then 2 s, 4 s … after each further one.
    expect(t.admit('alice', '10.0.0.1')).toEqual({ retryAfterSeconds: 1, limit: 'USERNAME' });
    expect(t.admit('alice', '10.0.0.2')).toEqual({ retryAfterSeconds: 1, limit: 'USERNAME' });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const refusal = t.admit('alice', '10.0.0.1')!;
      waits.push(refusal.retryAfterSeconds);
      clock += refusal.retryAfterSeconds * 1000;
      expect(wrong(t, 'alice', '10.0.0.1')).toBeNull();
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
    // Hammering while locked neither gets through nor makes the lock longer.
    for (let i = 0; i < 50; i++) expect(t.admit('alice', '10.0.0.1')?.limit).toBe('USERNAME');
    expect(t.admit('alice', '10.0.0.1')!.retryAfterSeconds).toBe(32);
  });

  it("does not stop another user's sign-in from the same address", () => {
    const t = throttle();
    for (let i = 0; i < 10; i++) wrong(t, 'alice', '10.0.0.1');
    expect(t.admit('alice', '10.0.0.1')?.limit).toBe('USERNAME');
    expect(t.admit('bob', '10.0.0.1')).toBeNull();
  });

  it('treats spellings of a username alike', () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) wrong(t, 'alice', '10.0.0.1');
    expect(t.admit(' ALICE', '10.0.0.1')?.limit).toBe('USERNAME');
  });

  it('ends the backoff of a username on a correct password, once the wait is over', () => {
    const t = throttle();
    for (let i = 0; i < 8; i++) wrong(t, 'alice', '10.0.0.1');
    const refusal = t.admit('alice', '10.0.0.1')!;
    clock += refusal.retryAfterSeconds * 1000;
    expect(t.admit('alice', '10.0.0.1')).toBeNull();
    t.succeeded('alice');
    // A fresh allowance: the next typo costs nothing.
    expect(wrong(t, 'alice', '10.0.0.1')).toBeNull();
    expect(t.admit('alice', '10.0.0.1')).toBeNull();
  });

  it('forgets old failures slowly', () => {
    const t = throttle();
    for (let i = 0; i < 4; i++) wrong(t, 'alice', '10.0.0.1');
    clock += 2 * DEFAULT_SIGN_IN_THROTTLE.forgetUsernameFailureEveryMs;
    // Two of the four forgotten: two more wrong leave no wait, the third (the fifth counted) starts the backoff.
    for (let i = 0; i < 2; i++) expect(wrong(t, 'alice', '10.0.0.1')).toBeNull();
    expect(t.admit('alice', '10.0.0.1')).toBeNull();
    t.failed('alice', '10.0.0.1');
    expect(t.admit('alice', '10.0.0.1')?.limit).toBe('USERNAME');
    clock += 100 * DEFAULT_SIGN_IN_THROTTLE.forgetUsernameFailureEveryMs;
    expect(t.admit('alice', '10.0.0.1')).toBeNull();
    expect(t.size.usernames).toBe(0);
  });

  it('caps the wait', () => {
    const t = throttle({ backoffMaxMs: 60_000 });
    for (let i = 0; i < 20; i++) {
      const refusal = t.admit('alice', '10.0.0.1');
      if (refusal) clock += refusal.retryAfterSeconds * 1000;
      wrong(t, 'alice', '10.0.0.1');
    }
    expect(t.admit('alice', '10.0.0.1')!.retryAfterSeconds).toBe(60);
  });

  it('backs off an address spraying many usernames, with a much higher allowance', () => {
    const t = throttle({ freeFailuresPerAddress: 30 });
    for (let i = 0; i < 30; i++) expect(wrong(t, `user-${i}`, '10.0.0.9')).toBeNull();
    expect(t.admit('someone', '10.0.0.9')).toEqual({ retryAfterSeconds: 1, limit: 'ADDRESS' });
    expect(t.admit('someone', '10.0.0.10')).toBeNull();
    // A correct password does not reset an address (an attacker could sign in to their own account).
    t.succeeded('someone');
    expect(t.admit('someone', '10.0.0.9')?.limit).toBe('ADDRESS');
  });

  it('limits the attempts of an address per minute, right or wrong', () => {
    const t = throttle({ attemptsPerAddressPerMinute: 20 });
    for (let i = 0; i < 20; i++) expect(t.admit(`user-${i}`, '10.0.0.1')).toBeNull();
    expect(t.admit('user-x', '10.0.0.1')).toEqual({ retryAfterSeconds: 3, limit: 'ADDRESS_RATE' });
    expect(t.admit('user-x', '10.0.0.2')).toBeNull();
    clock += 120_000;
    expect(t.admit('user-x', '10.0.0.1')).toBeNull();
  });

  it('counts an IPv6 client by its /64, and an IPv4-mapped one as IPv4', () => {
    const t = throttle({ freeFailuresPerAddress: 10 });
    for (let i = 0; i < 10; i++) wrong(t, `user-${i}`, `2001:db8:1:2::${(i + 1).toString(16)}`);
    expect(t.admit('someone', '2001:db8:1:2:ffff:ffff:ffff:ffff')?.limit).toBe('ADDRESS');
    expect(t.admit('someone', '2001:db8:1:3::1')).toBeNull();
    for (let i = 0; i < 10; i++) wrong(t, `user-${i}`, i % 2 ? '::ffff:10.0.0.1' : '10.0.0.1');
    expect(t.admit('someone', '10.0.0.1')?.limit).toBe('ADDRESS');
    expect(addressKey('2001:0db8:0000:0002:0:0:0:1')).toBe('2001:db8:0:2::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('192.168.1.7')).toBe('192.168.1.7');
  });

  it('remembers a bounded number of usernames', () => {
    const t = throttle({ maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) wrong(t, `made-up-${i}`, `10.0.${i % 250}.1`);
    expect(t.size.usernames).toBe(100);
    expect(t.size.addresses).toBeLessThanOrEqual(100);
  });
});

describe('trustedProxies (TRUST_PROXY)', () => {
  it('takes addresses, subnets and named ranges', () => {
    expect(trustedProxies(undefined)).toEqual([]);
    expect(trustedProxies('')).toEqual([]);
    expect(trustedProxies('loopback, 10.0.0.0/8,fd00::/8 ,192.168.1.7')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
  });

  it.each(['true', '1', '*', '10.0.0.0/33', '10.0.0/8', 'proxy.internal', '::1/129'])('refuses %s', (value) => {
    expect(() => trustedProxies(value)).toThrow(/TRUST_PROXY/);
  });
});
