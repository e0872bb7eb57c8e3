import { isIP } from 'node:net';

/** What Fastify's `trustProxy` accepts from configuration: all, none, a hop count, or addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for address ranges (what Fastify passes a string list to). */
const PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isCidr = (entry: string): boolean => {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
};

/**
 * TRUST_PROXY: unset/`false` trusts no proxy (X-Forwarded-* ignored); `true` trusts every peer (only behind a
 * proxy that overwrites the headers); an integer N trusts the N nearest hops; otherwise a comma-separated list
 * of addresses, CIDRs and the names loopback, linklocal, uniquelocal. Undefined when malformed.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy | undefined {
  const text = raw?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'false') return false;
  if (text.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 100 ? hops : undefined;
  }
  const entries = text.split(',').map((e) => e.trim());
  return entries.every((e) => PRESETS.has(e) || isCidr(e)) ? entries : undefined;
}
