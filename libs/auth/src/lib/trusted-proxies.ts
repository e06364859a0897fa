import { isIP } from 'node:net';

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * The proxies whose X-Forwarded-For a process believes, from TRUST_PROXY: a comma-separated list of
 * addresses, subnets (CIDR) and Express's named ranges (loopback, linklocal, uniquelocal), given to
 * Express as its `trust proxy` setting. The client address (req.ip) is then the nearest address in
 * X-Forwarded-For that is not one of these proxies, so a client cannot choose it by sending the header
 * itself. Empty (the default) trusts no proxy: req.ip is the connection's peer. `true`, hop counts and
 * `*` are refused: they would believe whatever a client sends.
 */
export function trustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!NAMED_RANGES.has(entry) && !isAddressOrSubnet(entry)) {
      throw new Error(`Invalid configuration:\n  TRUST_PROXY: "${entry}" is not an address, a subnet (CIDR) or one of ${[...NAMED_RANGES].join(', ')}`);
    }
  }
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
