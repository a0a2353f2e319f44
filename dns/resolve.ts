import { promises as dnsPromises } from 'node:dns';

import type { DnsOutcome } from '../core/dns-outcome.ts';

export { DNS_OUTCOMES, type DnsOutcome } from '../core/dns-outcome.ts';

export interface DnsAnswer {
  readonly outcome: DnsOutcome;
  readonly addresses: string[];
  /** Smallest TTL of the answer (seconds), when there was one. */
  readonly ttlSeconds?: number;
  /** The resolver's error code, when there was one (ENODATA, ENOTFOUND, …). */
  readonly code?: string;
}

/** Maps a c-ares error code (as Node's dns module reports it) to an outcome. */
export function classifyDnsError(code: string | undefined): DnsOutcome {
  switch (code) {
    case 'ENODATA':
      return 'empty';
    case 'ENOTFOUND':
      return 'nxdomain';
    case 'ESERVFAIL':
      return 'servfail';
    case 'ETIMEOUT':
      return 'timeout';
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return 'refused';
    default:
      return 'error';
  }
}

/** A resolver that asks only the lab's CoreDNS (host:port), with a short timeout and no retries. */
export function labResolver(server: string, timeoutMs = 500): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  return resolver;
}

/** One A lookup, classified; never throws. */
export async function lookupA(resolver: dnsPromises.Resolver, name: string): Promise<DnsAnswer> {
  try {
    const records = await resolver.resolve4(name, { ttl: true });
    if (records.length === 0) return { outcome: 'empty', addresses: [] };
    return {
      outcome: 'ok',
      addresses: records.map((r) => r.address),
      ttlSeconds: Math.min(...records.map((r) => r.ttl)),
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { outcome: classifyDnsError(code), addresses: [], code };
  }
}
