import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Passwords: scrypt, the memory-hard function in Node's own crypto (no native add-on to build).
// 2^15 × 8 × 128 bytes = 32 MiB per hash, the cost OWASP lists for scrypt.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const KEY_LENGTH = 64;

const scrypt = (password: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key))));

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * API keys: `pk_<id>_<secret>` with 32 random bytes of secret. Only SHA-256 of the secret is stored: a
 * key that strong needs no slow hash, and every ingestion request can afford to check it.
 */
export function newApiKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `pk_${id}_${secret}` };
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = /^pk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** SHA-256 of an API key's secret, the bytes whose hex is stored. */
export const apiKeySecretDigest = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export const hashApiKeySecret = (secret: string) => apiKeySecretDigest(secret).toString('hex');

/** Whether `secret` is the one whose digest is `digest` (constant time). */
export function matchesApiKeyDigest(secret: string, digest: Buffer): boolean {
  const presented = apiKeySecretDigest(secret);
  return presented.length === digest.length && timingSafeEqual(presented, digest);
}
