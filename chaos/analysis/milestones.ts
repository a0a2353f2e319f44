/**
 * The incident's milestones, each detected from the history on its own: a detector never starts
 * its search at another milestone's time, so a milestone that did not happen is missing (not
 * silently found later) and two that happened in the wrong order show up in the wrong order.
 * `milestones-in-order` (chaos/checks/) compares them with MILESTONE_ORDER.
 */
import { is, type HistoryEvent, type HistoryEventOf, type LoadSecondType } from '../../core/events.ts';

export interface Milestone {
  readonly name: string;
  readonly atMs: number;
}

type Detector = (events: readonly HistoryEvent[], ctx: { readonly nlbTargets: number }) => number | undefined;

type LoadSecond = HistoryEventOf<LoadSecondType>;

function okRate(e: LoadSecond): number {
  return e.sent > 0 ? e.ok / e.sent : 0;
}

/**
 * The start of the last run of seconds in which every given load type meets `slo`, if that run
 * lasts to the end of the data and at least `windowS` seconds; seconds with nothing sent carry
 * the previous verdict. Undefined when the data ends with the SLO broken or not held long enough.
 */
export function sloHoldsFrom(events: readonly HistoryEvent[], types: readonly LoadSecondType[], after: number, slo: number, windowS = 5): number | undefined {
  const byType = types.map((type) => events.filter(is(type)).filter((e) => e.t >= after && e.sent > 0));
  if (byType.length === 0 || byType.some((l) => l.length === 0)) return undefined;
  const times = [...new Set(byType.flat().map((e) => e.t))].sort((a, b) => a - b);
  const cursor = byType.map(() => -1);
  let runStart: number | undefined;
  for (const t of times) {
    let good = true;
    for (const [k, list] of byType.entries()) {
      while (cursor[k]! + 1 < list.length && list[cursor[k]! + 1]!.t <= t) cursor[k]!++;
      const latest = list[cursor[k]!];
      if (latest === undefined || okRate(latest) < slo) good = false;
    }
    if (!good) runStart = undefined;
    else runStart ??= t;
  }
  return runStart !== undefined && times.at(-1)! - runStart >= (windowS - 1) * 1000 ? runStart : undefined;
}

/** The trigger of the herd: the regional record empty and/or DynamoDB's links cut. */
export function triggerWindow(events: readonly HistoryEvent[]): { start: number; end: number | null } | null {
  const dnsEmpty = events.find((e) => e.type === 'route53.record.empty' && e.regional === true);
  const dnsRestored = dnsEmpty ? events.find((e) => e.type === 'route53.record.restored' && e.regional === true && e.t >= dnsEmpty.t) : undefined;
  const cuts = events.filter(is('fault.injected')).filter((e) => e.faultType === 'link-down' && (e.links ?? []).some((l) => l.startsWith('dynamodb')));
  if (!dnsEmpty && cuts.length === 0) return null;
  const healed = cuts.map((c) => events.filter(is('fault.healed')).find((h) => h.name === c.name && h.t >= c.t)?.t);
  const starts = [...(dnsEmpty ? [dnsEmpty.t] : []), ...cuts.map((c) => c.t)];
  const ends = [...(dnsEmpty ? [dnsRestored?.t] : []), ...healed];
  const known = ends.filter((t): t is number => t !== undefined);
  return { start: Math.min(...starts), end: known.length === ends.length ? Math.max(...known) : null };
}

const first = (events: readonly HistoryEvent[], pred: (e: HistoryEvent) => boolean) => events.find(pred)?.t;
const last = (events: readonly HistoryEvent[], pred: (e: HistoryEvent) => boolean) => [...events].reverse().find(pred);

/** Every milestone the lab knows, in the incident's order, each with its own detector. */
export const MILESTONES: readonly { readonly name: string; readonly description: string; readonly detect: Detector }[] = [
  { name: 'fault.injected', description: 'the first scripted fault', detect: (ev) => first(ev, (e) => e.type === 'fault.injected') },
  { name: 'dns.empty', description: 'Route 53 committed an empty regional record', detect: (ev) => first(ev, (e) => e.type === 'route53.record.empty' && e.regional === true) },
  { name: 'dns.detected', description: 'the canary saw an empty answer', detect: (ev) => first(ev, (e) => e.type === 'canary' && e.outcome === 'empty') },
  { name: 'leases.lapsing', description: "DWFM's first lease lapsed", detect: (ev) => first(ev, (e) => e.type === 'dwfm.leases.lapsing') },
  { name: 'dns.restored', description: 'the regional record has addresses again', detect: (ev) => first(ev, (e) => e.type === 'route53.record.restored' && e.regional === true) },
  { name: 'dynamodb.reachable', description: 'the trigger is gone (DNS back, links healed)', detect: (ev) => triggerWindow(ev)?.end ?? undefined },
  {
    name: 'dynamodb.healthy',
    description: 'DynamoDB customers ≥ 99 % successful from here on (after their last bad second)',
    detect: (ev) => {
      const bad = last(ev, (e) => e.type === 'load.second' && e.sent > 0 && okRate(e) < 0.99);
      return bad ? sloHoldsFrom(ev, ['load.second'], bad.t + 1, 0.99, 3) : undefined;
    },
  },
  { name: 'throttle.applied', description: "the runbook's throttle (scripted, or by a person in a game)", detect: (ev) => first(ev, (e) => e.type === 'operator.action' && e.action === 'throttle-dwfm' && e.ok === true) },
  { name: 'leases.all-valid', description: 'every lapsed lease re-established', detect: (ev) => first(ev, (e) => e.type === 'dwfm.leases.all-valid') },
  {
    name: 'network.backlog.drained',
    description: "the Network Manager's backlog drained for good (after it last built up)",
    detect: (ev) => {
      const building = last(ev, (e) => e.type === 'netmgr.backlog.building');
      return building ? first(ev, (e) => e.type === 'netmgr.backlog.drained' && e.t >= building.t) : undefined;
    },
  },
  {
    name: 'nlb.targets.restored',
    description: 'every NLB target back in service after the last removal',
    detect: (ev, ctx) => {
      const removal = last(ev, (e) => e.type === 'nlb.target.removed');
      return removal ? first(ev, (e) => e.type === 'nlb.target.readded' && e.t >= removal.t && e.inService === ctx.nlbTargets) : undefined;
    },
  },
  {
    name: 'launches.slo',
    description: 'RunInstances ≥ 99 % successful from here on (after its last bad second)',
    detect: (ev) => {
      const bad = last(ev, (e) => e.type === 'launch.second' && e.sent > 0 && okRate(e) < 0.99);
      return bad ? sloHoldsFrom(ev, ['launch.second'], bad.t + 1, 0.99, 3) : undefined;
    },
  },
];

export const MILESTONE_NAMES = MILESTONES.map((m) => m.name);

/**
 * The history from the faults phase on: the outage's. Before it, a busy machine can lapse a few
 * of DWFM's leases while things start (the run waits for them to hold again before any fault,
 * chaos/run/lab-settled.ts); that is not the outage's lapse. A history without phases is all outage.
 */
export function fromFaults(sorted: readonly HistoryEvent[]): readonly HistoryEvent[] {
  const at = faultsPhaseAt(sorted);
  return at === undefined ? sorted : sorted.filter((e) => e.t >= at);
}

/** When the run's faults phase began (undefined: a history without phases, or before it). */
export const faultsPhaseAt = (events: readonly HistoryEvent[]) => events.find((e) => e.type === 'run.phase' && e.phase === 'faults')?.t;

/** DWFM's first lease lapse of the outage (none before the faults phase counts). */
export const firstLapse = (sorted: readonly HistoryEvent[]) => fromFaults(sorted).find(is('dwfm.leases.lapsing'));

/** Every milestone of the outage found in a (time-sorted) history, in time order. */
export function detectMilestones(sorted: readonly HistoryEvent[], ctx: { readonly nlbTargets: number }): Milestone[] {
  const out: Milestone[] = [];
  const outage = fromFaults(sorted);
  for (const m of MILESTONES) {
    const t = m.detect(outage, ctx);
    if (t !== undefined) out.push({ name: m.name, atMs: Math.round(t) });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/**
 * The incident's order: when both milestones of a pair happened, the first must come before the
 * second. The NLB's targets come back while the network backlog drains (each as its own
 * change propagates), so those two are not ordered against each other; launches succeed as soon
 * as some droplets have their leases back, before all do.
 */
export const MILESTONE_ORDER: readonly [string, string][] = [
  ['fault.injected', 'dns.empty'],
  ['dns.empty', 'dns.detected'],
  ['dns.empty', 'dns.restored'],
  ['leases.lapsing', 'dns.restored'],
  ['leases.lapsing', 'leases.all-valid'],
  ['dns.restored', 'dynamodb.healthy'],
  ['dynamodb.reachable', 'dynamodb.healthy'],
  ['dynamodb.healthy', 'leases.all-valid'],
  ['leases.all-valid', 'network.backlog.drained'],
  ['dynamodb.reachable', 'nlb.targets.restored'],
  ['dynamodb.reachable', 'launches.slo'],
];

/**
 * What is wrong with the milestones: each expected one that is missing, and each pair of the
 * incident's order that both happened the other way round (unless listed as unordered).
 */
export function milestoneProblems(milestones: readonly Milestone[], expected: readonly string[], unordered: readonly (readonly [string, string])[] = []): string[] {
  const at = new Map(milestones.map((m) => [m.name, m.atMs]));
  const problems = expected.filter((n) => !at.has(n)).map((n) => `${n} missing (${MILESTONES.find((m) => m.name === n)?.description ?? 'unknown milestone'})`);
  for (const [a, b] of MILESTONE_ORDER) {
    if (!at.has(a) || !at.has(b)) continue;
    if (unordered.some(([x, y]) => (x === a && y === b) || (x === b && y === a))) continue;
    if (at.get(a)! > at.get(b)!) problems.push(`${a} (${at.get(a)} ms) after ${b} (${at.get(b)} ms)`);
  }
  return problems;
}
