/**
 * Recovery analysis of the herd (DESIGN §1 stages 3–4, §4), from the history alone: when DynamoDB
 * became reachable again, how long re-establishing every lease took against the capacity bound
 * M / C, how much was sent per lease needed, goodput and wasted work per second, whether the
 * run was metastable, the milestones in order, and the time to recover.
 */
import { dynamodbCapacityPerSec, type ModelConfig } from '../lab/model-config.ts';
import type { HistoryEvent } from './history.ts';

export interface SecondPoint {
  /** ms since the run started (end of the scrape interval) */
  readonly t: number;
  /** leases re-established per second */
  readonly goodput: number;
  /** lease items the leases table served to a client still waiting, per second */
  readonly servedItems: number;
  /** lease items served after the client had given up, per second */
  readonly wastedItems: number;
  readonly lapsed: number;
  readonly backlog: number | null;
  readonly inService: number | null;
}

export interface Milestone {
  readonly name: string;
  readonly atMs: number;
}

export interface RecoveryAnalysis {
  readonly capacityPerSec: number;
  readonly capacityBoundMs: number;
  readonly reachableAtMs: number | null;
  readonly leases: {
    readonly total: number;
    readonly strategy: string;
    readonly needed: number;
    readonly reestablishMs: number | null;
    /** Re-establish batches sent from DynamoDB being reachable again until every lease was valid. */
    readonly attempts: number;
    /** Lease writes sent in that time. */
    readonly itemsSent: number;
    /** Retry amplification: lease writes sent in that time / lapses to repair. */
    readonly amplification: number | null;
    readonly recoveredAfterThrottle: boolean;
  };
  readonly metastable: boolean;
  /** Longest stretch after the trigger was gone with goodput under 10 % of C and leases still lapsed. */
  readonly collapseMs: number;
  readonly wasted: { readonly items: number; readonly servedItems: number; readonly share: number | null };
  readonly recovery: { readonly milestones: Milestone[]; readonly ttrMs: number | null };
  readonly nlb: { readonly targetsRemoved: number; readonly targetsReadded: number; readonly removalsDeferred: number };
  readonly network: { readonly maxBacklog: number; readonly maxOldestAgeS: number };
  readonly cpu: { readonly byService: Record<string, number>; readonly maxCoresInASecond: number; readonly servedItemsPerSecMax: number; readonly servedItemsPerSecMedian: number | null };
  readonly series: SecondPoint[];
}

const LEASE_TABLE = 'leases';
type Samples = Record<string, Record<string, number>>;
/** One metric of one service from a scrape round. */
const sample = (e: HistoryEvent | undefined, service: string, name: string): number | undefined => (e?.services as Samples | undefined)?.[service]?.[name];

function okRate(e: HistoryEvent): number | null {
  const sent = e.sent as number;
  return sent > 0 ? (e.ok as number) / sent : null;
}

/**
 * When the SLO came back for good: the start of the last run of seconds in which the latest
 * sample of every given load type meets `slo`, provided that run lasts to the end of the data and
 * at least `windowS` seconds. Null when the run ended with the SLO broken or not yet held long enough.
 */
function sloHoldsFrom(events: readonly HistoryEvent[], types: readonly string[], after: number, slo: number, windowS = 5): number | null {
  const byType = types.map((type) => events.filter((e) => e.type === type && e.t >= after && (e.sent as number) > 0));
  if (byType.some((l) => l.length === 0)) return null;
  const times = [...new Set(byType.flat().map((e) => e.t))].sort((a, b) => a - b);
  let runStart: number | null = null;
  for (const t of times) {
    const good = byType.every((l) => {
      const latest = [...l].reverse().find((e) => e.t <= t);
      return latest !== undefined && (okRate(latest) ?? 0) >= slo;
    });
    if (!good) runStart = null;
    else runStart ??= t;
  }
  return runStart !== null && times.at(-1)! - runStart >= (windowS - 1) * 1000 ? runStart : null;
}

export function analyseRecovery(sorted: readonly HistoryEvent[], model: ModelConfig): RecoveryAnalysis {
  const capacityPerSec = dynamodbCapacityPerSec(model.dynamodb);
  const total = model.dwfm.droplets;
  const capacityBoundMs = (total / capacityPerSec) * 1000;
  const end = sorted.at(-1)?.t ?? 0;

  // The trigger: DNS empty and/or the DynamoDB links cut. Reachable again when both are over.
  const dnsEmpty = sorted.find((e) => e.type === 'route53.record.empty' && e.regional === true);
  const dnsRestored = dnsEmpty ? sorted.find((e) => e.type === 'route53.record.restored' && e.regional === true && e.t >= dnsEmpty.t) : undefined;
  const cut = sorted.filter((e) => e.type === 'fault.injected' && e.faultType === 'link-down' && Array.isArray(e.links) && (e.links as string[]).some((l) => l.startsWith('dynamodb')));
  const cutHealed = cut.map((c) => sorted.find((h) => h.type === 'fault.healed' && h.name === c.name && h.t >= c.t));
  let reachableAtMs: number | null = null;
  if (dnsEmpty || cut.length) {
    const ends = [...(dnsEmpty ? [dnsRestored?.t] : []), ...cutHealed.map((h) => h?.t)];
    reachableAtMs = ends.every((t) => t !== undefined) ? Math.max(...(ends as number[])) : null;
  }

  // Per-second series from consecutive scrape rounds (every service sampled in the same round).
  const rounds = sorted.filter((e) => e.type === 'metrics');
  const has = (svc: string) => (e: HistoryEvent) => (e.services as Samples | undefined)?.[svc] !== undefined;
  const dwfm = rounds.filter(has('dwfm'));
  const latestBefore = (list: readonly HistoryEvent[], t: number) => {
    let found: HistoryEvent | undefined;
    for (const e of list) {
      if (e.t > t) break;
      found = e;
    }
    return found;
  };
  const net = rounds.filter(has('netmgr'));
  const nlbM = rounds.filter(has('nlb'));
  const leaseItems = (e: HistoryEvent, outcome: string) => sample(e, 'dynamodb', `dynamodb_items_total{outcome="${outcome}",table="${LEASE_TABLE}"}`) ?? 0;
  const series: SecondPoint[] = [];
  for (let k = 1; k < rounds.length; k++) {
    const a = rounds[k - 1]!;
    const b = rounds[k]!;
    const dt = (b.t - a.t) / 1000;
    if (dt <= 0 || !has('dwfm')(a) || !has('dwfm')(b)) continue;
    series.push({
      t: b.t,
      goodput: Math.max(0, ((sample(b, 'dwfm', 'dwfm_reestablished') ?? 0) - (sample(a, 'dwfm', 'dwfm_reestablished') ?? 0)) / dt),
      servedItems: Math.max(0, (leaseItems(b, 'served') - leaseItems(a, 'served')) / dt),
      wastedItems: Math.max(0, (leaseItems(b, 'wasted') - leaseItems(a, 'wasted')) / dt),
      lapsed: sample(b, 'dwfm', 'dwfm_leases_lapsed') ?? 0,
      backlog: sample(b, 'netmgr', 'netmgr_backlog') ?? null,
      inService: sample(b, 'nlb', 'nlb_targets_in_service') ?? null,
    });
  }

  const allValid = reachableAtMs === null ? undefined : sorted.find((e) => e.type === 'dwfm.leases.all-valid' && e.t >= reachableAtMs);
  const lapsing = sorted.find((e) => e.type === 'dwfm.leases.lapsing');
  const throttle = sorted.find((e) => e.type === 'operator.action' && e.action === 'throttle-dwfm' && e.ok === true);
  const lastDwfm = dwfm.at(-1);
  const firstDwfmAfterLapse = lapsing ? dwfm.find((e) => e.t >= lapsing.t) : undefined;
  const needed = allValid ? (allValid.needed as number) : Math.max(0, ...series.map((p) => p.lapsed));
  // Counted from DynamoDB being reachable again (the retries refused during the outage are not
  // the herd) to every lease being valid (or the end of the run).
  const atReachable = reachableAtMs === null ? firstDwfmAfterLapse : latestBefore(dwfm, reachableAtMs);
  const atEnd = allValid ? (latestBefore(dwfm, allValid.t + 1500) ?? lastDwfm) : lastDwfm;
  const since = (name: string) => Math.max(0, (sample(atEnd, 'dwfm', name) ?? 0) - (sample(atReachable, 'dwfm', name) ?? 0));
  const attempts = since('dwfm_reestablish_attempts');
  const itemsSent = since('dwfm_reestablish_items_sent');

  // Metastability: after the trigger is gone, goodput stays under 10 % of C while leases are lapsed.
  let collapseMs = 0;
  if (reachableAtMs !== null) {
    let runStart: number | null = null;
    for (const p of series) {
      if (p.t <= reachableAtMs) continue;
      const collapsed = p.goodput < 0.1 * capacityPerSec && p.lapsed > 0;
      if (collapsed) {
        runStart ??= Math.max(reachableAtMs, p.t - 1000);
        collapseMs = Math.max(collapseMs, p.t - runStart);
      } else runStart = null;
    }
  }
  const metastable = collapseMs > 5 * capacityBoundMs;

  const after = reachableAtMs ?? Infinity;
  const herd = series.filter((p) => p.t > after && (allValid ? p.t <= allValid.t + 1000 : true));
  const wastedItems = herd.reduce((a, p) => a + p.wastedItems, 0);
  const servedItems = herd.reduce((a, p) => a + p.servedItems, 0);

  // Milestones, each the first time it happened (after the trigger where that matters).
  const milestones: Milestone[] = [];
  const add = (name: string, t: number | undefined | null) => {
    if (t !== undefined && t !== null) milestones.push({ name, atMs: Math.round(t) });
  };
  add('fault.injected', sorted.find((e) => e.type === 'fault.injected')?.t);
  add('dns.empty', dnsEmpty?.t);
  add('dns.detected', dnsEmpty ? sorted.find((e) => e.type === 'canary' && e.outcome === 'empty' && e.t >= dnsEmpty.t)?.t : undefined);
  add('leases.lapsing', lapsing?.t);
  add('dns.restored', dnsRestored?.t);
  add('dynamodb.reachable', reachableAtMs);
  if (reachableAtMs !== null) {
    add('dynamodb.healthy', sloHoldsFrom(sorted, ['load.second'], reachableAtMs, 0.99, 3));
    add('throttle.applied', throttle && throttle.t >= reachableAtMs ? throttle.t : undefined);
    add('leases.all-valid', allValid?.t);
    // Drained for good: the first time the backlog empties once every lease is valid again.
    add('network.backlog.drained', allValid ? sorted.find((e) => e.type === 'netmgr.backlog.drained' && e.t >= allValid.t)?.t : undefined);
    // Restored: every target back in service after the last removal the recovery caused.
    const lastRemoval = [...sorted].reverse().find((e) => e.type === 'nlb.target.removed' && e.t >= reachableAtMs);
    if (lastRemoval) add('nlb.targets.restored', sorted.find((e) => e.type === 'nlb.target.readded' && e.t >= lastRemoval.t && e.inService === model.nlb.targets)?.t);
    add('launches.slo', sloHoldsFrom(sorted, ['launch.second'], reachableAtMs, 0.99, 3));
  }
  milestones.sort((a, b) => a.atMs - b.atMs);

  // Time to recover: trigger gone → every customer-facing SLO holds from then on (at least 5 s).
  const loadTypes = ['load.second', 'launch.second', 'nlb.second'].filter((t) => sorted.some((e) => e.type === t));
  const holds = reachableAtMs === null ? null : sloHoldsFrom(sorted, loadTypes, reachableAtMs, 0.99, 5);
  const ttrMs = holds === null || reachableAtMs === null ? null : Math.max(0, Math.round(holds - reachableAtMs));

  // CPU: seconds each service used, and the busiest second of the whole lab.
  const byService: Record<string, number> = {};
  const cpu = (e: HistoryEvent | undefined, svc: string) => sample(e, svc, 'process_cpu_seconds_total');
  for (const svc of new Set(rounds.flatMap((e) => Object.keys((e.services as Samples | undefined) ?? {})))) {
    const list = rounds.filter((e) => cpu(e, svc) !== undefined);
    if (list.length >= 2) byService[svc] = Math.round((cpu(list.at(-1), svc)! - cpu(list[0], svc)!) * 100) / 100;
  }
  let maxCores = 0;
  for (let k = 1; k < rounds.length; k++) {
    const dt = (rounds[k]!.t - rounds[k - 1]!.t) / 1000;
    let cores = 0;
    for (const svc of Object.keys(byService)) {
      const a = cpu(rounds[k - 1], svc);
      const b = cpu(rounds[k], svc);
      if (a !== undefined && b !== undefined && dt > 0) cores += (b - a) / dt;
    }
    maxCores = Math.max(maxCores, cores);
  }
  const busy = herd.map((p) => p.servedItems + p.wastedItems).sort((a, b) => a - b);

  return {
    capacityPerSec,
    capacityBoundMs: Math.round(capacityBoundMs),
    reachableAtMs: reachableAtMs === null ? null : Math.round(reachableAtMs),
    leases: {
      total,
      strategy: model.dwfm.strategy,
      needed,
      reestablishMs: allValid && reachableAtMs !== null ? Math.round(allValid.t - reachableAtMs) : null,
      attempts,
      itemsSent,
      amplification: needed > 0 ? Math.round((itemsSent / needed) * 100) / 100 : null,
      recoveredAfterThrottle: !!(allValid && throttle && throttle.t < allValid.t && reachableAtMs !== null && throttle.t >= reachableAtMs),
    },
    metastable,
    collapseMs: Math.round(collapseMs),
    wasted: { items: Math.round(wastedItems), servedItems: Math.round(servedItems), share: wastedItems + servedItems > 0 ? Math.round((wastedItems / (wastedItems + servedItems)) * 1000) / 1000 : null },
    recovery: { milestones, ttrMs },
    nlb: {
      targetsRemoved: sorted.filter((e) => e.type === 'nlb.target.removed').length,
      targetsReadded: sorted.filter((e) => e.type === 'nlb.target.readded').length,
      removalsDeferred: sample(nlbM.at(-1), 'nlb', 'nlb_removals_deferred_total') ?? 0,
    },
    network: {
      maxBacklog: Math.max(0, ...net.map((e) => sample(e, 'netmgr', 'netmgr_backlog') ?? 0)),
      maxOldestAgeS: Math.round(Math.max(0, ...net.map((e) => sample(e, 'netmgr', 'netmgr_oldest_age_seconds') ?? 0)) * 10) / 10,
    },
    cpu: {
      byService,
      maxCoresInASecond: Math.round(maxCores * 100) / 100,
      servedItemsPerSecMax: Math.round(busy.at(-1) ?? 0),
      servedItemsPerSecMedian: busy.length ? Math.round(busy[Math.floor((busy.length - 1) / 2)]!) : null,
    },
    series: series.map((p) => ({ ...p, t: Math.round(p.t), goodput: Math.round(p.goodput), servedItems: Math.round(p.servedItems), wastedItems: Math.round(p.wastedItems) })),
  };
}

/**
 * The incident's order: each pair must happen in this order when both happened. The NLB's
 * targets come back while the network backlog drains (each as its own change propagates), so
 * "targets restored" and "backlog drained" are not ordered against each other; launches succeed
 * as soon as some droplets have their leases back, before all do.
 */
export const MILESTONE_ORDER: readonly [string, string][] = [
  ['dns.empty', 'dns.detected'],
  ['dns.empty', 'dns.restored'],
  ['leases.lapsing', 'leases.all-valid'],
  ['dynamodb.reachable', 'dynamodb.healthy'],
  ['dynamodb.healthy', 'leases.all-valid'],
  ['leases.all-valid', 'network.backlog.drained'],
  ['dynamodb.reachable', 'nlb.targets.restored'],
  ['dynamodb.reachable', 'launches.slo'],
];

export function milestoneOrderProblems(milestones: readonly Milestone[]): string[] {
  const at = new Map(milestones.map((m) => [m.name, m.atMs]));
  return MILESTONE_ORDER.filter(([a, b]) => at.has(a) && at.has(b) && at.get(a)! > at.get(b)!).map(([a, b]) => `${a} (${at.get(a)} ms) after ${b} (${at.get(b)} ms)`);
}
