/**
 * Recovery analysis of the herd (docs/design.md §1 stages 3–4, §4), from the history alone: when DynamoDB
 * became reachable again, how long re-establishing every lease took against the capacity bound
 * M / C, how much was sent per lease needed, goodput and wasted work per second, whether the
 * run was metastable, the milestones in order, and the time to recover.
 */
import { dynamodbCapacityPerSec } from '../../core/model-config-file.ts';
import type { ModelConfig } from '../../core/model-config.ts';
import { is, LOAD_SECOND_TYPES, type HistoryEvent, type HistoryEventOf } from '../../core/events.ts';
import { detectMilestones, firstLapse, sloHoldsFrom, triggerWindow, type Milestone } from './milestones.ts';

export type { Milestone } from './milestones.ts';

export interface SecondPoint {
  /** ms since the run started (end of the scrape interval) */
  readonly t: number;
  /** leases re-established per second */
  readonly goodput: number;
  /** lease items the leases table served to a client still waiting, per second */
  readonly servedItems: number;
  /** lease items served after the client had given up, per second */
  readonly wastedItems: number;
  /** lease writes DWFM sent to the leases table (renewals and re-establishment), per second: the offered load */
  readonly offeredItems: number;
  readonly valid: number;
  readonly lapsed: number;
  readonly backlog: number | null;
  readonly inService: number | null;
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
  /** How every lapsed lease came back: by itself, only after a rescue (the throttle or a DWFM restart, scripted or by a person), or never (null; also when none lapsed). */
  readonly recoveredBy: 'self' | 'throttle' | null;
  /** How long the herd had been collapsed when the scripted throttle came (0 without a throttle or a collapse then). */
  readonly collapsedBeforeRescueMs: number;
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
type Round = HistoryEventOf<'metrics'>;
/** One metric of one service from a scrape round. */
const sample = (e: Round | undefined, service: string, name: string): number | undefined => e?.services[service]?.[name];

/**
 * How much a counter grew between two samples. A counter that went down was reset (its process
 * restarted, as DWFM is by the runbook): it counted `b` since, as Prometheus's rate() reads it.
 */
export function increase(a: number | undefined, b: number | undefined): number {
  if (b === undefined) return 0;
  if (a === undefined || b < a) return b;
  return b - a;
}

/**
 * A runbook action that breaks DWFM's herd, whoever took it: the throttle (with or without its
 * restart) or a plain restart of DWFM's hosts.
 */
export function isDwfmRescue(e: HistoryEvent): e is HistoryEventOf<'operator.action'> {
  return e.type === 'operator.action' && e.ok && (e.action === 'throttle-dwfm' || (e.action === 'restart' && e.component === 'dwfm'));
}

const has = (svc: string) => (e: Round) => e.services[svc] !== undefined;

/** The latest round at or before t. */
function latestBefore(list: readonly Round[], t: number): Round | undefined {
  let found: Round | undefined;
  for (const e of list) {
    if (e.t > t) break;
    found = e;
  }
  return found;
}

/** Per-second series from consecutive scrape rounds (every service sampled in the same round). */
function secondSeries(rounds: readonly Round[]): SecondPoint[] {
  const leaseItems = (e: Round, outcome: string) => sample(e, 'dynamodb', `dynamodb_items_total{outcome="${outcome}",table="${LEASE_TABLE}"}`) ?? 0;
  const offered = (e: Round) => (sample(e, 'dwfm', 'dwfm_reestablish_items_sent') ?? 0) + (sample(e, 'dwfm', 'dwfm_renewal_items_sent') ?? 0);
  const series: SecondPoint[] = [];
  for (let k = 1; k < rounds.length; k++) {
    const a = rounds[k - 1]!;
    const b = rounds[k]!;
    const dt = (b.t - a.t) / 1000;
    if (dt <= 0 || !has('dwfm')(a) || !has('dwfm')(b)) continue;
    series.push({
      t: b.t,
      goodput: increase(sample(a, 'dwfm', 'dwfm_reestablished'), sample(b, 'dwfm', 'dwfm_reestablished')) / dt,
      servedItems: Math.max(0, (leaseItems(b, 'served') - leaseItems(a, 'served')) / dt),
      wastedItems: Math.max(0, (leaseItems(b, 'wasted') - leaseItems(a, 'wasted')) / dt),
      offeredItems: increase(offered(a), offered(b)) / dt,
      valid: sample(b, 'dwfm', 'dwfm_leases_valid') ?? 0,
      lapsed: sample(b, 'dwfm', 'dwfm_leases_lapsed') ?? 0,
      backlog: sample(b, 'netmgr', 'netmgr_backlog') ?? null,
      inService: sample(b, 'nlb', 'nlb_targets_in_service') ?? null,
    });
  }
  return series;
}

/** How much a DWFM counter grew over the rounds from `from` to `to`. */
function dwfmIncrease(dwfm: readonly Round[], from: Round | undefined, to: Round | undefined, name: string): number {
  if (!from || !to) return 0;
  const span = dwfm.filter((e) => e.t >= from.t && e.t <= to.t);
  let total = 0;
  for (let k = 1; k < span.length; k++) total += increase(sample(span[k - 1], 'dwfm', name), sample(span[k], 'dwfm', name));
  return total;
}

/** Stretches after the trigger was gone in which goodput stayed under 10 % of C while leases were lapsed. */
function collapseStretches(series: readonly SecondPoint[], reachableAtMs: number | null, capacityPerSec: number): { start: number; end: number }[] {
  const stretches: { start: number; end: number }[] = [];
  if (reachableAtMs === null) return stretches;
  let current: { start: number; end: number } | null = null;
  for (const p of series) {
    if (p.t <= reachableAtMs) continue;
    if (p.goodput < 0.1 * capacityPerSec && p.lapsed > 0) {
      if (!current) stretches.push((current = { start: Math.max(reachableAtMs, p.t - 1000), end: p.t }));
      current.end = p.t;
    } else current = null;
  }
  return stretches;
}

/** CPU: seconds each service used, and the busiest second of the whole lab. */
function cpuUse(rounds: readonly Round[]): { byService: Record<string, number>; maxCores: number } {
  const byService: Record<string, number> = {};
  const cpu = (e: Round | undefined, svc: string) => sample(e, svc, 'process_cpu_seconds_total');
  for (const svc of new Set(rounds.flatMap((e) => Object.keys(e.services)))) {
    const list = rounds.filter((e) => cpu(e, svc) !== undefined);
    let used = 0;
    for (let k = 1; k < list.length; k++) used += increase(cpu(list[k - 1], svc), cpu(list[k], svc));
    if (list.length >= 2) byService[svc] = Math.round(used * 100) / 100;
  }
  let maxCores = 0;
  for (let k = 1; k < rounds.length; k++) {
    const dt = (rounds[k]!.t - rounds[k - 1]!.t) / 1000;
    let cores = 0;
    for (const svc of Object.keys(byService)) {
      const a = cpu(rounds[k - 1], svc);
      const b = cpu(rounds[k], svc);
      if (a !== undefined && b !== undefined && dt > 0) cores += increase(a, b) / dt;
    }
    maxCores = Math.max(maxCores, cores);
  }
  return { byService, maxCores };
}

export function analyseRecovery(sorted: readonly HistoryEvent[], model: ModelConfig): RecoveryAnalysis {
  const capacityPerSec = dynamodbCapacityPerSec(model.dynamodb);
  const total = model.dwfm.droplets;
  const capacityBoundMs = (total / capacityPerSec) * 1000;

  // The trigger: DNS empty and/or the DynamoDB links cut. Reachable again when both are over.
  const trigger = triggerWindow(sorted);
  const reachableAtMs: number | null = trigger?.end ?? null;

  const rounds = sorted.filter(is('metrics'));
  const dwfm = rounds.filter(has('dwfm'));
  const net = rounds.filter(has('netmgr'));
  const nlbM = rounds.filter(has('nlb'));
  const series = secondSeries(rounds);

  const allValid = reachableAtMs === null ? undefined : sorted.filter(is('dwfm.leases.all-valid')).find((e) => e.t >= reachableAtMs);
  const lapsing = firstLapse(sorted);
  const rescues = sorted.filter(isDwfmRescue);
  const throttle = reachableAtMs === null ? undefined : rescues.find((e) => e.t >= reachableAtMs);
  // A throttle set during the outage (a person may) is in place when DynamoDB comes back.
  const throttledBefore = reachableAtMs !== null && rescues.some((e) => e.action === 'throttle-dwfm' && e.t < reachableAtMs);
  const lastDwfm = dwfm.at(-1);
  const firstDwfmAfterLapse = lapsing ? dwfm.find((e) => e.t >= lapsing.t) : undefined;
  // A DWFM restarted mid-recovery starts a new episode: its all-valid event counts only that one's lapses.
  const needed = Math.max(allValid?.needed ?? 0, ...series.filter((p) => reachableAtMs === null || p.t >= reachableAtMs - 1000).map((p) => p.lapsed), 0);
  // Counted from DynamoDB being reachable again (the retries refused during the outage are not
  // the herd) to every lease being valid (or the end of the run).
  const atReachable = reachableAtMs === null ? firstDwfmAfterLapse : latestBefore(dwfm, reachableAtMs);
  const atEnd = allValid ? (latestBefore(dwfm, allValid.t + 1500) ?? lastDwfm) : lastDwfm;
  const attempts = dwfmIncrease(dwfm, atReachable, atEnd, 'dwfm_reestablish_attempts');
  const itemsSent = dwfmIncrease(dwfm, atReachable, atEnd, 'dwfm_reestablish_items_sent');

  // Metastability: after the trigger is gone, goodput stays under 10 % of C while leases are lapsed.
  const stretches = collapseStretches(series, reachableAtMs, capacityPerSec);
  const collapseMs = Math.max(0, ...stretches.map((x) => x.end - x.start));
  // The scripted rescue began when the operator acted (the event is recorded once DWFM is back up).
  const rescueAt = throttledBefore ? reachableAtMs! : throttle ? throttle.t - (throttle.restartMs ?? 0) : undefined;
  // How long it had been collapsed then: the stretch that lasted until the rescue (samples stop while DWFM restarts).
  const rescued = rescueAt === undefined ? undefined : stretches.find((x) => x.start < rescueAt && x.end >= rescueAt - 2000);
  const collapsedBeforeRescueMs = rescued && rescueAt !== undefined ? Math.round(rescueAt - rescued.start) : 0;
  const metastable = collapseMs > 5 * capacityBoundMs;

  const after = reachableAtMs ?? Infinity;
  const herd = series.filter((p) => p.t > after && (allValid ? p.t <= allValid.t + 1000 : true));
  const wastedItems = herd.reduce((a, p) => a + p.wastedItems, 0);
  const servedItems = herd.reduce((a, p) => a + p.servedItems, 0);

  const milestones = detectMilestones(sorted, { nlbTargets: model.nlb.targets });

  // Time to recover: trigger gone → every customer-facing SLO holds from then on (at least 5 s).
  const loadTypes = LOAD_SECOND_TYPES.filter((t) => sorted.some((e) => e.type === t));
  const holds = reachableAtMs === null ? undefined : sloHoldsFrom(sorted, loadTypes, reachableAtMs, 0.99, 5);
  const ttrMs = holds === undefined || reachableAtMs === null ? null : Math.max(0, Math.round(holds - reachableAtMs));

  const { byService, maxCores } = cpuUse(rounds);
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
      recoveredAfterThrottle: !!(allValid && rescueAt !== undefined && rescueAt < allValid.t),
    },
    metastable,
    recoveredBy: !allValid || needed === 0 ? null : rescueAt !== undefined && rescueAt < allValid.t ? 'throttle' : 'self',
    collapsedBeforeRescueMs,
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

