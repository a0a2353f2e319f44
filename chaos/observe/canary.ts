/**
 * The DNS canary (lesson 03): asks CoreDNS for the endpoint every intervalMs, directly and without
 * a cache, and classifies each answer as ok / empty / nxdomain / servfail / timeout / refused.
 * "Resolvable" is not enough: an answer with no addresses raises the alert. Queries do not wait
 * for each other, so a slow answer never stretches the interval.
 */
import type { promises as dnsPromises } from 'node:dns';
import { lookupA, type DnsOutcome } from '../../dns/resolve.ts';
import { nowMs, type LabEvent } from '../../services/common/events.ts';

export class DnsCanary {
  private readonly timer: NodeJS.Timeout;
  private alerting = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly resolver: dnsPromises.Resolver,
    private readonly name: string,
    intervalMs: number,
    private readonly emit: (e: LabEvent) => void,
  ) {
    this.timer = setInterval(() => this.probe(), intervalMs);
    this.probe();
  }

  private probe(): void {
    const sentAt = nowMs();
    const p = lookupA(this.resolver, this.name).then((a) => {
      const ts = nowMs();
      this.emit({ ts, source: 'canary', type: 'canary', outcome: a.outcome, addresses: a.addresses.length, ms: Math.round(ts - sentAt) });
      this.transition(a.outcome, ts);
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private transition(outcome: DnsOutcome, ts: number): void {
    if (outcome !== 'ok' && !this.alerting) {
      this.alerting = true;
      this.emit({ ts, source: 'canary', type: 'canary.alert', outcome, name: this.name });
    } else if (outcome === 'ok' && this.alerting) {
      this.alerting = false;
      this.emit({ ts, source: 'canary', type: 'canary.recovered', name: this.name });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.pending]);
  }
}
