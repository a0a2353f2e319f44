/**
 * A client-side DNS cache that honours TTLs, as SDKs and stub resolvers do: positive answers are
 * kept for their TTL, negative ones (empty, NXDOMAIN) for the zone's negative TTL, and concurrent
 * lookups of one name share one query. Every query goes to the lab's CoreDNS, so an empty record
 * really breaks the client once its cached answer expires.
 */
import type { promises as dnsPromises } from 'node:dns';
import { lookupA, type DnsAnswer } from './resolve.ts';

interface Entry {
  readonly answer: DnsAnswer;
  readonly expiresAt: number;
}

export class TtlDnsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<DnsAnswer>>();

  constructor(
    private readonly resolver: dnsPromises.Resolver,
    private readonly negativeTtlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached answer for `name` while it is fresh (no query is sent), or undefined. */
  peek(name: string): DnsAnswer | undefined {
    const cached = this.entries.get(name);
    return cached && cached.expiresAt > this.now() ? cached.answer : undefined;
  }

  async resolve(name: string): Promise<DnsAnswer> {
    const cached = this.entries.get(name);
    if (cached && cached.expiresAt > this.now()) return cached.answer;
    let p = this.pending.get(name);
    if (!p) {
      p = lookupA(this.resolver, name).then((answer) => {
        const ttl = answer.outcome === 'ok' ? (answer.ttlSeconds ?? 0) : answer.outcome === 'empty' || answer.outcome === 'nxdomain' ? this.negativeTtlSeconds : 0;
        this.entries.set(name, { answer, expiresAt: this.now() + ttl * 1000 });
        this.pending.delete(name);
        return answer;
      });
      this.pending.set(name, p);
    }
    return p;
  }
}
