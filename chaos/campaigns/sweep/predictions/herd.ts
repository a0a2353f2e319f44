/**
 * A fluid model of the herd with a client timeout (no runbook throttle), for the phase map:
 *
 *  - leases are renewed every R and last TTL (the map uses TTL = R + 1 s); a renewal that fails is
 *    tried again every second (RENEW_RETRY_MS), and the lease expires TTL − R after its renewal
 *    fell due. During an outage of length D a lease lapses when its renewal fell due inside the
 *    outage so late that no retry before its expiry comes after the outage: with k the retries
 *    that fit before expiry (k seconds < TTL − R), a share clamp((D − k s) / R, 0, 1) of the M
 *    leases lapse. With TTL − R = 1 s no retry fits: every renewal due in the outage is lost;
 *  - the leases still held are renewed: they offer ρ'·C of load (ρ' = ((M − lapsed) / R) / C; the
 *    map's axis is ρ = (M / R) / C, the load before the outage), leaving spare = C − ρ'·C;
 *  - naive DWFM re-sends a batch at once when it times out (T) and S after a fast failure such as
 *    a refused connection; its connection pool holds at most Q items (connections × batch). During
 *    the outage every lapsed lease's batch fails fast, so when DynamoDB is back they arrive spread
 *    over S: the leases table's queue peaks near min(lapsed, Q) − spare·S items. If that takes
 *    longer than T to drain — min(lapsed, Q) > spare·(T + S) — answers come after DWFM stopped
 *    waiting, nothing is re-established, everything is re-sent at once: metastable. Otherwise the
 *    lapsed leases come back at the spare rate: stable if that takes ≤ 2 × M / C, else
 *    recovered-slowly;
 *  - full jitter draws each delay uniformly below min(cap, base·2ⁿ); failing fast, a batch
 *    reaches attempt n after about base·2ⁿ⁻¹, so after failing for f its delays span min(cap, 2f).
 *    The first leases lapse TTL − R into the outage, so when it ends the retries are spread over
 *    X = min(cap, 2·(D − (TTL − R))): an arrival rate lapsed / X; metastable only if that exceeds
 *    the spare capacity, else back after max(X, lapsed / spare).
 */

import { RENEW_RETRY_MS, SCAN_MS } from '../../../../services/dwfm/leases.ts';

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
  const retriesBeforeExpiry = Math.max(0, Math.ceil((p.leaseTtlMs - p.renewPeriodMs) / RENEW_RETRY_MS) - 1);
  const share = Math.min(1, Math.max(0, (p.triggerMs - retriesBeforeExpiry * RENEW_RETRY_MS) / p.renewPeriodMs));
  const lapsed = Math.round(p.droplets * share);
  const spare = p.capacityPerSec * Math.max(0, 1 - rho * (1 - share));
  const boundMs = (p.droplets / p.capacityPerSec) * 1000;
  const out = (cls: HerdClass, recoverMs: number | null) => ({ class: cls, lapsed, rho: Math.round(rho * 1000) / 1000, recoverMs: recoverMs === null ? null : Math.round(recoverMs) });
  if (lapsed === 0) return out('stable', 0);
  if (spare <= 0) return out('metastable', null);
  if (p.strategy === 'naive') {
    if (Math.min(lapsed, p.inFlightItems) > (spare * (p.timeoutMs + p.fastFailRetryMs)) / 1000) return out('metastable', null);
    const ms = (lapsed / spare) * 1000;
    return out(ms <= 2 * boundMs ? 'stable' : 'recovered-slowly', ms);
  }
  const failingMs = Math.max(0, p.triggerMs - (p.leaseTtlMs - p.renewPeriodMs));
  const spreadMs = Math.max(SCAN_MS, Math.min(p.maxBackoffMs, 2 * failingMs));
  const arrival = lapsed / (spreadMs / 1000);
  if (arrival > spare) return out('metastable', null);
  const ms = Math.max(spreadMs, (lapsed / spare) * 1000);
  return out(ms <= 2 * boundMs ? 'stable' : 'recovered-slowly', ms);
}

/**
 * The recovery curves' model: time to re-establish every lapsed lease after an outage longer than
 * the TTL (everything lapsed, so nothing is being renewed), as a ratio to M / C.
 *  - Naive with at most L batches in flight: the leases table has W workers and a batch of b
 *    items holds one for b × s (s: service time per item), so L batches move min(L, W)·b items
 *    per b·s; above W the rest wait, and a batch's time in the table is b·s·L / W. Once that
 *    passes the timeout T every answer is too late: never.
 *  - Full jitter with cap X: the retries spread over X, so the lapsed leases come back after
 *    max(X, M / C) — unless M / X exceeds C: then they pile up, never.
 */
export function predictReestablishRatio(p: {
  readonly strategy: 'naive' | 'full-jitter';
  readonly droplets: number;
  readonly capacityPerSec: number;
  readonly workers: number;
  readonly serviceTimeMs: number;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly concurrency: number | null;
  readonly maxBackoffMs: number;
}): number | 'never' {
  const boundMs = (p.droplets / p.capacityPerSec) * 1000;
  const round = (v: number) => Math.round(v * 100) / 100;
  if (p.strategy === 'naive') {
    if (p.concurrency === null) return 'never';
    const inTableMs = (p.batchSize * p.serviceTimeMs * p.concurrency) / p.workers;
    if (p.concurrency > p.workers && inTableMs > p.timeoutMs) return 'never';
    const itemsPerSec = Math.min(p.concurrency, p.workers) * (1000 / p.serviceTimeMs);
    return round((p.droplets / itemsPerSec) * 1000 / boundMs);
  }
  if (p.droplets / (p.maxBackoffMs / 1000) > p.capacityPerSec) return 'never';
  return round(Math.max(p.maxBackoffMs, (p.droplets / p.capacityPerSec) * 1000) / boundMs);
}
