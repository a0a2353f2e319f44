/**
 * A fluid model of the herd with a client timeout (no runbook throttle), for the phase map:
 *
 *  - leases are renewed every R and last TTL = R + 1 s; during an outage of length D a lease
 *    lapses if its renewal fell inside it with no time left to retry: a share
 *    clamp((D − (TTL − R)) / R, 0, 1) of the M leases lapse (none when D ≤ TTL − R);
 *  - renewals offer ρ·C of load on their own (ρ = (M / R) / C);
 *  - naive DWFM re-sends a batch at once when it times out (T) and S after a fast failure such as
 *    a refused connection; its connection pool holds at most Q items (connections × batch). During
 *    the outage every lapsed lease's batch fails fast, so when DynamoDB is back they arrive spread
 *    over S: the leases table's queue peaks near min(lapsed, Q) − C·(1 − ρ)·S items. If that takes
 *    longer than T to drain — min(lapsed, Q) > C·(1 − ρ)·(T + S) — answers come after DWFM stopped
 *    waiting, nothing is re-established, everything is re-sent at once: metastable. Otherwise the
 *    lapsed leases come back at C·(1 − ρ): stable if that takes ≤ 2 × M / C, else recovered-slowly;
 *  - full jitter spreads the retries over its cap (the delays grew to the cap during the outage):
 *    an arrival rate lapsed / cap; metastable only if that exceeds C·(1 − ρ), else back after
 *    max(cap, lapsed / (C·(1 − ρ))).
 */

export interface HerdParams {
  readonly strategy: 'naive' | 'full-jitter';
  readonly droplets: number;
  readonly renewPeriodMs: number;
  readonly leaseTtlMs: number;
  readonly triggerMs: number;
  readonly capacityPerSec: number;
  readonly timeoutMs: number;
  /** Items the naive client can have on the wire (its pool). */
  readonly inFlightItems: number;
  readonly maxBackoffMs: number;
  /** Naive's pause after a fast failure (S). */
  readonly fastFailRetryMs: number;
}

export type HerdClass = 'stable' | 'recovered-slowly' | 'metastable';

export function predictHerd(p: HerdParams): { class: HerdClass; lapsed: number; rho: number; recoverMs: number | null } {
  const rho = p.droplets / (p.renewPeriodMs / 1000) / p.capacityPerSec;
  const share = Math.min(1, Math.max(0, (p.triggerMs - (p.leaseTtlMs - p.renewPeriodMs)) / p.renewPeriodMs));
  const lapsed = Math.round(p.droplets * share);
  const spare = p.capacityPerSec * Math.max(0, 1 - rho);
  const boundMs = (p.droplets / p.capacityPerSec) * 1000;
  const out = (cls: HerdClass, recoverMs: number | null) => ({ class: cls, lapsed, rho: Math.round(rho * 1000) / 1000, recoverMs: recoverMs === null ? null : Math.round(recoverMs) });
  if (lapsed === 0) return out('stable', 0);
  if (spare <= 0) return out('metastable', null);
  if (p.strategy === 'naive') {
    if (Math.min(lapsed, p.inFlightItems) > (spare * (p.timeoutMs + p.fastFailRetryMs)) / 1000) return out('metastable', null);
    const ms = (lapsed / spare) * 1000;
    return out(ms <= 2 * boundMs ? 'stable' : 'recovered-slowly', ms);
  }
  const arrival = lapsed / (p.maxBackoffMs / 1000);
  if (arrival > spare) return out('metastable', null);
  const ms = Math.max(p.maxBackoffMs, (lapsed / spare) * 1000);
  return out(ms <= 2 * boundMs ? 'stable' : 'recovered-slowly', ms);
}
