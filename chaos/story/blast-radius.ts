/**
 * The blast radius (lesson 04), derived from the history: for each component of the topology,
 * whether and when it was impaired, what that looked like, and what it was impaired by — a
 * scripted fault, or another component that was impaired first (taken from the events themselves
 * where they name it, else from the topology's dependency graph). Reporters draw it as a map.
 */
import { buildTopology } from '../../topology/topology.ts';
import { is, type HistoryEvent, type HistoryEventOf, type LoadSecondType } from '../../core/events.ts';
import { firstLapse } from '../analysis/milestones.ts';
import type { RecoveryAnalysis } from '../analysis/recovery.ts';

export interface Impairment {
  readonly component: string;
  /** scripted: a fault hit it directly; emergent: it failed because of something else. */
  readonly origin: 'scripted' | 'emergent';
  readonly fromMs: number;
  readonly toMs: number | null;
  readonly what: string;
  /** Components (or `fault:<name>`) that caused it. */
  readonly causes: readonly string[];
}

export interface BlastRadius {
  readonly nodes: readonly { readonly name: string; readonly dependsOn: readonly string[]; readonly depth: number }[];
  readonly impaired: readonly Impairment[];
}

/** [first, last + 1 s] of the seconds of a load type whose error share was above 1 %. */
function badSeconds(sorted: readonly HistoryEvent[], type: LoadSecondType): { from: number; to: number } | null {
  const bad = sorted.filter(is(type)).filter((e) => e.sent > 0 && e.ok / e.sent < 0.99);
  return bad.length ? { from: bad[0]!.t - 1000, to: bad.at(-1)!.t } : null;
}

export function blastRadius(sorted: readonly HistoryEvent[], r: RecoveryAnalysis, nlbTargets: number): BlastRadius {
  const topology = buildTopology();
  const depth = new Map<string, number>();
  const depthOf = (name: string): number => {
    if (depth.has(name)) return depth.get(name)!;
    const c = topology.components.find((x) => x.name === name)!;
    const d = c.dependsOn.length ? 1 + Math.max(...c.dependsOn.map(depthOf)) : 0;
    depth.set(name, d);
    return d;
  };
  const nodes = topology.components.map((c) => ({ name: c.name, dependsOn: c.dependsOn, depth: depthOf(c.name) }));
  const impaired: Impairment[] = [];
  const at = (name: string) => impaired.find((i) => i.component === name);
  const add = (i: Impairment) => {
    if (!at(i.component)) impaired.push({ ...i, fromMs: Math.round(i.fromMs), toMs: i.toMs === null ? null : Math.round(i.toMs) });
  };
  const healedAt = (name: string) => sorted.filter(is('fault.healed')).find((e) => e.name === name)?.t ?? null;

  // Scripted: whatever a fault hit directly (a slowed or cut client, a killed or paused process).
  const injected = sorted.filter(is('fault.injected'));
  for (const f of injected) {
    for (const c of f.affects) {
      if (!nodes.some((n) => n.name === c)) continue;
      add({ component: c, origin: 'scripted', fromMs: f.t, toMs: healedAt(f.name), what: `${f.faultType} (fault ${f.name})`, causes: [`fault:${f.name}`] });
    }
  }
  const cutFaults = injected.filter((e) => e.affects.includes('clients'));

  const empty = sorted.filter(is('route53.record.empty')).find((e) => e.regional);
  const restored = empty ? sorted.filter(is('route53.record.restored')).find((e) => e.regional && e.t >= empty.t) : undefined;
  if (empty) {
    const slowed = impaired.filter((i) => i.origin === 'scripted' && i.component.startsWith('enactor')).map((i) => i.component);
    add({
      component: 'route53',
      origin: 'emergent',
      fromMs: empty.t,
      toMs: restored?.t ?? null,
      what: `committed an empty regional record (${empty.cause === 'plan-deleted' ? `cleanup deleted plan ${empty.deletedPlan}` : `stale apply of deleted plan ${empty.generation}`})`,
      causes: [...new Set([...(empty.enactor ? [empty.enactor] : []), ...slowed])],
    });
    const stuck = sorted.filter(is('enactor.apply.failed')).filter((e) => e.t >= empty.t);
    for (const enactor of new Set(stuck.map((e) => e.source))) {
      const mine = stuck.filter((e) => e.source === enactor);
      add({ component: enactor, origin: 'emergent', fromMs: mine[0]!.t, toMs: mine.at(-1)!.t, what: 'cannot apply plans: the active plan is gone', causes: ['route53'] });
    }
  }
  const canaryBad = sorted.filter(is('canary')).filter((e) => e.outcome !== 'ok');
  if (canaryBad.length) {
    add({ component: 'coredns', origin: 'emergent', fromMs: canaryBad[0]!.t, toMs: canaryBad.at(-1)!.t, what: `answered ${canaryBad[0]!.outcome} for the regional endpoint`, causes: at('route53') ? ['route53'] : [] });
  }
  const customers = badSeconds(sorted, 'load.second');
  if (customers) {
    const causes = [...(at('coredns') ? ['coredns'] : []), ...cutFaults.map((f) => `fault:${f.name}`)];
    add({ component: 'dynamodb', origin: 'emergent', fromMs: customers.from, toMs: customers.to, what: 'customers cannot reach DynamoDB', causes: causes.length ? causes : ['dynamodb (its own capacity)'] });
  }
  const lapsing = firstLapse(sorted);
  if (lapsing) {
    const allValid = r.recovery.milestones.find((m) => m.name === 'leases.all-valid')?.atMs ?? null;
    const collapse = r.metastable ? `; after DynamoDB came back the herd kept it collapsed for ${r.collapseMs} ms` : '';
    add({ component: 'dwfm', origin: 'emergent', fromMs: lapsing.t, toMs: allValid, what: `leases lapsed, RunInstances fails ("insufficient capacity")${collapse}`, causes: ['dynamodb', ...(r.metastable ? ['dwfm (its own retries)'] : [])] });
  }
  const building = sorted.filter((e) => e.type === 'netmgr.backlog.building');
  if (building.length) {
    const last = building.at(-1)!;
    const drained = sorted.find((e) => e.type === 'netmgr.backlog.drained' && e.t >= last.t);
    add({ component: 'netmgr', origin: 'emergent', fromMs: last.t, toMs: drained?.t ?? null, what: `backlog of network changes (peak ${r.network.maxBacklog})`, causes: ['dwfm'] });
  }
  const connected = (e: HistoryEventOf<'metrics'>) => e.services.fleet?.fleet_targets_connected;
  const disconnected = sorted.filter(is('metrics')).filter((e) => (connected(e) ?? nlbTargets) < nlbTargets);
  if (disconnected.length) {
    add({ component: 'fleet', origin: 'emergent', fromMs: disconnected[0]!.t, toMs: disconnected.at(-1)!.t + 1000, what: 'instances without network connectivity', causes: at('netmgr') ? ['netmgr'] : [] });
  }
  const removed = sorted.find((e) => e.type === 'nlb.target.removed');
  if (removed) {
    const back = r.recovery.milestones.find((m) => m.name === 'nlb.targets.restored')?.atMs ?? null;
    add({ component: 'nlb', origin: 'emergent', fromMs: removed.t, toMs: back, what: `targets failing health checks removed and re-added (${r.nlb.targetsRemoved} removals)`, causes: ['fleet'] });
  }
  return { nodes, impaired: impaired.sort((a, b) => a.fromMs - b.fromMs) };
}
