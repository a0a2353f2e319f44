/**
 * Analysis of a run's history: the DNS milestones (empty published, detected, restored), the
 * canary's tally, customer error rates by phase, the Enactors' failures and fencing rejections,
 * and the checks that decide the verdict. Reads only the history (and the writes checker's
 * result, itself recorded in the history).
 */
import { analyseServices } from '../../user-services/analysis.ts';
import { is, LOAD_SECOND_TYPES } from '../../core/events.ts';
import { DNS_OUTCOMES, type DnsOutcome } from '../../dns/resolve.ts';
import type { ModelConfig } from '../../core/model-config.ts';
import { analyseAlerts } from './alerts.ts';
import type { AnalysisFigures, DnsSummary, Window } from './figures.ts';
import type { HistoryEvent } from '../history/history.ts';
import { analyseRecovery } from './recovery.ts';
import { analyseStory } from '../story/index.ts';

function window(events: readonly HistoryEvent[], from: number, to: number): Window {
  let sent = 0;
  let ok = 0;
  for (const e of events) {
    if (e.type !== 'load.second' || e.t < from || e.t > to) continue;
    sent += e.sent;
    ok += e.ok;
  }
  return { sent, ok, errorRate: sent ? Math.round(((sent - ok) / sent) * 10_000) / 10_000 : null };
}

/** Customer error-seconds (see AnalysisFigures.customerErrorSeconds). */
export function customerErrorSeconds(sorted: readonly HistoryEvent[], from: number): number {
  const types = LOAD_SECOND_TYPES.filter((t) => sorted.some((e) => e.type === t));
  if (!types.length) return 0;
  let total = 0;
  for (const type of types) {
    for (const e of sorted.filter(is(type))) {
      if (e.t < from) continue;
      if (e.sent > 0) total += (e.sent - e.ok) / e.sent;
    }
  }
  return Math.round((total / types.length) * 100) / 100;
}

/** Every figure of the analysis, from a time-sorted history. */
export function analyseFigures(sorted: readonly HistoryEvent[], opts: { ttlMs: number; model: ModelConfig }): AnalysisFigures {
  const ttlMs = opts.ttlMs;
  const r = analyseRecovery(sorted, opts.model);
  const end = sorted.at(-1)?.t ?? 0;
  const empty = sorted.filter(is('route53.record.empty')).find((e) => e.regional);
  const emptyAtMs = empty?.t ?? null;
  const detected = emptyAtMs === null ? undefined : sorted.find((e) => e.type === 'canary' && e.outcome === 'empty' && e.t >= emptyAtMs);
  const restored = emptyAtMs === null ? undefined : sorted.find((e) => e.type === 'route53.record.restored' && e.regional === true && e.t >= emptyAtMs);
  const canary = Object.fromEntries(DNS_OUTCOMES.map((o) => [o, 0])) as Record<DnsOutcome, number>;
  for (const e of sorted.filter(is('canary'))) canary[e.outcome]++;

  const firstFault = sorted.find((e) => e.type === 'fault.injected')?.t ?? end;
  const errorSeconds = customerErrorSeconds(sorted, firstFault);
  const steadyFrom = sorted.find((e) => e.type === 'run.phase' && e.phase === 'steady-state')?.t ?? 0;
  const emptyEnd = restored?.t ?? end;
  const writesEvent = sorted.find(is('writes.checked'));
  const writes = { acknowledged: writesEvent?.acknowledged ?? 0, lost: writesEvent?.lost ?? 0 };

  const faults = sorted.filter(is('fault.injected')).map((e) => ({
    name: e.name,
    type: e.faultType,
    injectedAtMs: e.t,
    healedAtMs: sorted.filter(is('fault.healed')).find((h) => h.name === e.name)?.t ?? null,
  }));

  const dns: DnsSummary = {
    emptyRecordPublished: emptyAtMs !== null,
    emptyAtMs,
    detectedAtMs: detected?.t ?? null,
    restoredAtMs: restored?.t ?? null,
    detectionMs: detected && emptyAtMs !== null ? Math.round(detected.t - emptyAtMs) : null,
    canary,
  };
  const staleRejected = sorted.filter((e) => e.type === 'route53.apply.rejected-stale').length;
  // Stale applies from a component a fault slowed, rejected after that fault began.
  const faulted = sorted.filter(is('fault.injected'));
  const delayedRejected = sorted.filter(is('route53.apply.rejected-stale')).filter((e) => faulted.some((f) => e.t >= f.t && f.affects.includes(e.enactor)));

  return {
    dns,
    writes,
    services: analyseServices(sorted),
    customers: {
      beforeFaults: window(sorted, steadyFrom, firstFault),
      whileEmpty: emptyAtMs === null ? { sent: 0, ok: 0, errorRate: null } : window(sorted, emptyAtMs + ttlMs + 1000, emptyEnd),
      afterRestore: restored ? window(sorted, restored.t + ttlMs + 1000, end) : { sent: 0, ok: 0, errorRate: null },
    },
    enactors: {
      appliesFailedWhileEmpty: emptyAtMs === null ? 0 : sorted.filter((e) => e.type === 'enactor.apply.failed' && e.t >= emptyAtMs && e.t <= emptyEnd).length,
      staleAppliesRejected: staleRejected,
      delayedStaleRejected: delayedRejected.length,
      cleanupRefusals: sorted.filter((e) => e.type === 'route53.plan.delete-refused').length,
    },
    faults,
    operator: sorted
      .filter(is('operator.action'))
      .map((e) => ({ action: e.action, atMs: e.t, ok: e.ok, actor: e.actor === 'human' ? ('human' as const) : ('scripted' as const), ...(e.actor === 'human' ? { by: e.by ?? '' } : {}) })),
    capacityBoundMs: r.capacityBoundMs,
    leases: r.leases,
    metastable: r.metastable,
    recovery: r.recovery,
    nlb: r.nlb,
    herd: {
      capacityPerSec: r.capacityPerSec,
      reachableAtMs: r.reachableAtMs,
      collapseMs: r.collapseMs,
      wasted: r.wasted,
      network: r.network,
      cpu: r.cpu,
      series: r.series,
    },
    recoveredBy: r.recoveredBy,
    collapsedBeforeRescueMs: r.collapsedBeforeRescueMs,
    customerErrorSeconds: errorSeconds,
    story: analyseStory(sorted, opts.model, r, errorSeconds),
    alerts: analyseAlerts(sorted, r.recovery.milestones),
  };
}
