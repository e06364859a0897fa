import { assertActsFor } from '@penalty/runtime';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { loadAuthConfig } from './auth.guard';
import { roleAllows, ROLES } from './roles';
import { parseAccessRevocation, SessionRevocations } from './session-revocations';
import { hashApiKeySecret, hashPassword, matchesApiKeyDigest, newApiKey, parseApiKey, verifyPassword } from './secrets';
import { issueSessionToken, OidcVerifier, rolesOf, verifySessionToken } from './tokens';

const SECRET = 'a-session-secret-of-at-least-32-characters';

describe('roles', () => {
  it('each role includes the ones before it', () => {
    const matrix = ROLES.map((held) => ROLES.map((needed) => roleAllows([held], needed)));
    expect(matrix).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
    expect(roleAllows([], 'viewer')).toBe(false);
  });

  it('keeps only known roles from a claim, as an array or a space-separated string', () => {
    expect(rolesOf(['admin', 'superuser'])).toEqual(['admin']);
    expect(rolesOf('viewer reviewer root')).toEqual(['viewer', 'reviewer']);
    expect(rolesOf(undefined)).toEqual([]);
  });
});

describe('session tokens', () => {
  const claims = { subject: 'ops.li', roles: ['reviewer' as const], csrf: 'c-1', sessionId: 's-1' };

  it('round-trip with the shared secret', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    expect(await verifySessionToken(SECRET, await issueSessionToken(SECRET, claims, 60, now), now)).toEqual({
      ...claims,
      issuedAt: now,
      expiresAt: new Date('2026-11-23T10:01:00Z'),
    });
  });

  it('carry the marketplaces an operator\'s roles are for, and none when the roles are for every marketplace', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const scoped = await verifySessionToken(SECRET, await issueSessionToken(SECRET, { ...claims, marketplaces: ['tmall-global'] }, 60, now), now);
    expect(scoped.marketplaces).toEqual(['tmall-global']);
    expect(await verifySessionToken(SECRET, await issueSessionToken(SECRET, claims, 60, now), now)).not.toHaveProperty('marketplaces');
  });

  it('are refused when signed with another secret, tampered with or expired', async () => {
    const token = await issueSessionToken(SECRET, claims, 60, new Date('2026-11-23T08:00:00Z'));
    await expect(verifySessionToken(`${SECRET}-other`, token, new Date('2026-11-23T08:00:30Z'))).rejects.toThrow();
    await expect(verifySessionToken(SECRET, token.replace(/\.[^.]+\./, '.eyJzdWIiOiJhZG1pbiJ9.'), new Date('2026-11-23T08:00:30Z'))).rejects.toThrow();
    await expect(verifySessionToken(SECRET, token, new Date('2026-11-23T08:01:01Z'))).rejects.toThrow(/exp/);
  });
});

describe('passwords and API keys', () => {
  it('hash passwords with scrypt and a fresh salt each time', async () => {
    const [a, b] = [await hashPassword('correct horse'), await hashPassword('correct horse')];
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'md5$abc')).toBe(false);
  });

  it('make API keys of an id and a secret, and store only the secret\'s hash', () => {
    const { id, secret, key } = newApiKey();
    expect(parseApiKey(key)).toEqual({ id, secret });
    expect(parseApiKey(`${key}x`)).toBeNull();
    expect(parseApiKey(`pk_${id}_short`)).toBeNull();
    expect(hashApiKeySecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeySecret(secret)).not.toContain(secret);
    const stored = Buffer.from(hashApiKeySecret(secret), 'hex');
    expect(matchesApiKeyDigest(secret, stored)).toBe(true);
    expect(matchesApiKeyDigest(newApiKey().secret, stored)).toBe(false);
    expect(matchesApiKeyDigest(secret, stored.subarray(0, 16))).toBe(false);
  });
});

describe('OIDC bearer tokens', () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (claims: Record<string, unknown>, issuer?: string) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    sign = (claims, issuer = 'https://idp.example') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u-42').setIssuer(issuer).setAudience('penalty').setExpirationTime('5m').sign(privateKey);
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('verifies the identity provider\'s tokens against its JWKS and maps roles from the configured claim', async () => {
    const verifier = new OidcVerifier({ issuer: 'https://idp.example', jwksUrl, audience: 'penalty', rolesClaim: 'realm_access.roles' });
    expect(await verifier.verify(await sign({ realm_access: { roles: ['reviewer', 'offline_access'] } }))).toEqual({ subject: 'oidc:u-42', roles: ['reviewer'], via: 'OIDC', scopes: [] });
    await expect(verifier.verify(await sign({}, 'https://evil.example'))).rejects.toThrow();
  });

  it('scopes the roles to the marketplaces of the configured claim; a token without it acts for every marketplace', async () => {
    const verifier = new OidcVerifier({ issuer: 'https://idp.example', jwksUrl, audience: 'penalty', rolesClaim: 'roles', marketplacesClaim: 'penalty.marketplaces' });
    expect(await verifier.verify(await sign({ roles: ['reviewer'], penalty: { marketplaces: 'tmall-global  BAD_NAME tmall-global' } }))).toEqual({ subject: 'oidc:u-42', roles: ['reviewer'], marketplaces: ['tmall-global'], via: 'OIDC', scopes: [] });
    expect(await verifier.verify(await sign({ roles: ['reviewer'] }))).toEqual({ subject: 'oidc:u-42', roles: ['reviewer'], via: 'OIDC', scopes: [] });
    // A claim that names nothing valid scopes to no marketplace, never to all of them.
    expect((await verifier.verify(await sign({ roles: ['reviewer'], penalty: { marketplaces: ['Tmall!'] } }))).marketplaces).toEqual([]);
  });
});

describe('marketplace scopes', () => {
  it('let an operator act on cases of the marketplaces of their roles only', () => {
    expect(() => assertActsFor(undefined, 'tmall', 'Appeal a-1')).not.toThrow();
    expect(() => assertActsFor(['tmall', 'tmall-global'], 'tmall', 'Appeal a-1')).not.toThrow();
    expect(() => assertActsFor(['tmall-global'], 'tmall', 'Appeal a-1')).toThrow(expect.objectContaining({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' }));
    expect(() => assertActsFor([], 'tmall', 'Appeal a-1')).toThrow(/no marketplace/);
  });
});

describe('session revocations', () => {
  const at = (iso: string) => new Date(iso);
  const session = (sessionId: string, subject: string, issuedAt: string) => ({ sessionId, subject, issuedAt: at(issuedAt) });

  it('ends one signed-out session until it would have expired, and no other', () => {
    const revocations = new SessionRevocations();
    revocations.apply({ kind: 'SESSION_ENDED', sessionId: 's-1', subject: 'li', expiresAt: '2026-11-23T18:00:00Z' }, at('2026-11-23T10:00:00Z'));
    expect(revocations.revokes(session('s-1', 'li', '2026-11-23T09:59:00Z'))).toBe(true);
    expect(revocations.revokes(session('s-2', 'li', '2026-11-23T09:59:00Z'))).toBe(false);
  });

  it('forgets an ended session once its token has expired anyway', () => {
    const revocations = new SessionRevocations();
    revocations.apply({ kind: 'SESSION_ENDED', sessionId: 's-1', subject: 'li', expiresAt: '2026-11-23T09:00:00Z' }, at('2026-11-23T10:00:00Z'));
    expect(revocations.revokes(session('s-1', 'li', '2026-11-23T08:00:00Z'))).toBe(false);
  });

  it("ends every session a disabled operator was issued up to the disabling, including that second's", () => {
    const revocations = new SessionRevocations();
    revocations.apply({ kind: 'OPERATOR_DISABLED', subject: 'li', at: '2026-11-23T10:00:00.500Z' });
    expect(revocations.revokes(session('s-1', 'li', '2026-11-23T02:00:00Z'))).toBe(true);
    expect(revocations.revokes(session('s-2', 'li', '2026-11-23T10:00:00Z'))).toBe(true);
    expect(revocations.revokes(session('s-3', 'wang', '2026-11-23T10:00:00Z'))).toBe(false);
  });

  it('knows a revoked API key by its id for good, and ends no session with it', () => {
    const revocations = new SessionRevocations();
    revocations.apply({ kind: 'API_KEY_REVOKED', keyId: '0123456789ab', subject: 'api-key:0123456789ab:listing-audit', at: '2026-11-23T10:00:00Z' }, at('2026-11-24T10:00:00Z'));
    expect(revocations.revokesApiKey('0123456789ab')).toBe(true);
    expect(revocations.revokesApiKey('ba9876543210')).toBe(false);
    expect(revocations.revokes(session('s-1', 'api-key:0123456789ab:listing-audit', '2026-11-23T09:00:00Z'))).toBe(false);
  });

  it('reads revocations from the topic and ignores anything else', () => {
    expect(parseAccessRevocation('{"kind":"OPERATOR_DISABLED","subject":"li","at":"2026-11-23T10:00:00Z"}')).toEqual({ kind: 'OPERATOR_DISABLED', subject: 'li', at: '2026-11-23T10:00:00Z' });
    expect(parseAccessRevocation('{"kind":"API_KEY_REVOKED","keyId":"0123456789ab","subject":"api-key:0123456789ab:x","at":"2026-11-23T10:00:00Z"}')).toEqual({
      kind: 'API_KEY_REVOKED', keyId: '0123456789ab', subject: 'api-key:0123456789ab:x', at: '2026-11-23T10:00:00Z',
    });
    expect(parseAccessRevocation('{"kind":"API_KEY_REVOKED","subject":"api-key:x","at":"2026-11-23T10:00:00Z"}')).toBeNull();
    expect(parseAccessRevocation('{"kind":"SESSION_ENDED","sessionId":"s","subject":"li","expiresAt":"soon"}')).toBeNull();
    expect(parseAccessRevocation('{"kind":"SOMETHING"}')).toBeNull();
    expect(parseAccessRevocation('not json')).toBeNull();
  });
});

describe('loadAuthConfig: the identity provider settings', () => {
  const base = { AUTH_SESSION_SECRET: SECRET };
  const bearer = { OIDC_ISSUER: 'https://idp.example.com', OIDC_JWKS_URL: 'https://idp.example.com/jwks', OIDC_AUDIENCE: 'penalty' };

  it('takes bearer tokens with the issuer, its keys and the audience, and the issuer alone (the api signs operators in with it)', () => {
    expect(loadAuthConfig({ ...base, ...bearer })).toMatchObject(bearer);
    expect(loadAuthConfig({ ...base, OIDC_ISSUER: bearer.OIDC_ISSUER }).OIDC_JWKS_URL).toBeUndefined();
  });

  it('refuses the keys without the audience or the issuer', () => {
    expect(() => loadAuthConfig({ ...base, OIDC_ISSUER: bearer.OIDC_ISSUER, OIDC_JWKS_URL: bearer.OIDC_JWKS_URL })).toThrow(/OIDC_JWKS_URL and OIDC_AUDIENCE go together, with OIDC_ISSUER/);
    expect(() => loadAuthConfig({ ...base, OIDC_JWKS_URL: bearer.OIDC_JWKS_URL, OIDC_AUDIENCE: bearer.OIDC_AUDIENCE })).toThrow(/with OIDC_ISSUER/);
  });
});
