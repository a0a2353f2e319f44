/**
 * Analysis of a run's history: the DNS milestones (empty published, detected, restored), the
 * canary's tally, customer error rates by phase, the Enactors' failures and fencing rejections,
 * and the checks that decide the verdict. Reads only the history (and the writes checker's
 * result, itself recorded in the history).
 */
import { DNS_OUTCOMES, type DnsOutcome } from '../dns/resolve.ts';
import type { ModelConfig } from '../lab/model-config.ts';
import { analyseAlerts, type AlertsSummary } from './alerts.ts';
import type { HistoryEvent } from './history.ts';
import { evaluateChecks, type CheckResult, type CheckSpec } from './checks/index.ts';
import { analyseRecovery, type RecoveryAnalysis } from './recovery.ts';
import { analyseStory, type Story } from './story/index.ts';

export type { CheckResult } from './checks/index.ts';

export interface Window {
  readonly sent: number;
  readonly ok: number;
  readonly errorRate: number | null;
}

export interface DnsSummary {
  readonly emptyRecordPublished: boolean;
  readonly emptyAtMs: number | null;
  readonly detectedAtMs: number | null;
  readonly restoredAtMs: number | null;
  readonly detectionMs: number | null;
  readonly canary: Record<DnsOutcome, number>;
}

/** Everything the analysis computes from the history, before any check reads it. */
export interface AnalysisFigures {
  readonly dns: DnsSummary;
  readonly writes: { readonly acknowledged: number; readonly lost: number };
  readonly customers: { readonly beforeFaults: Window; readonly whileEmpty: Window; readonly afterRestore: Window };
  readonly enactors: {
    readonly appliesFailedWhileEmpty: number;
    readonly staleAppliesRejected: number;
    /** Stale applies from an Enactor a fault delayed, rejected by fencing. */
    readonly delayedStaleRejected: number;
    readonly cleanupRefusals: number;
  };
  readonly faults: { name: string; type: string; injectedAtMs: number | null; healedAtMs: number | null }[];
  /** Runbook actions: scripted by the scenario, or taken by a person in a played game (`by`). */
  readonly operator: { action: string; atMs: number; ok: boolean; actor: 'scripted' | 'human'; by?: string }[];
  /** M / C in ms: no strategy can re-establish every lease faster. */
  readonly capacityBoundMs: number;
  readonly leases: RecoveryAnalysis['leases'];
  readonly metastable: boolean;
  readonly recovery: RecoveryAnalysis['recovery'];
  readonly nlb: RecoveryAnalysis['nlb'];
  readonly herd: Omit<RecoveryAnalysis, 'leases' | 'metastable' | 'recovery' | 'nlb' | 'capacityBoundMs' | 'recoveredBy' | 'collapsedBeforeRescueMs'>;
  /** How every lapsed lease came back: by itself, only after the scripted throttle, or never (null; also when none lapsed). */
  readonly recoveredBy: RecoveryAnalysis['recoveredBy'];
  /** How long the herd had been collapsed when the scripted throttle came (0 without a throttle or a collapse). */
  readonly collapsedBeforeRescueMs: number;
  /**
   * Customer error-seconds from the first fault on: for each customer load (DynamoDB customers,
   * RunInstances, the NLB), the sum over its seconds of the share of requests that failed; then
   * the mean over those loads. 10 means "as bad as every customer failing for 10 s".
   */
  readonly customerErrorSeconds: number;
  /** Contributing causes, blast radius, error-budget burn and fidelity to the real timeline. */
  readonly story: Story;
  /** What the monitoring said (with --monitoring prometheus): every rule's time to alert. */
  readonly alerts: AlertsSummary;
}

export interface Analysis extends AnalysisFigures {
  readonly checks: CheckResult[];
  readonly verdict: 'pass' | 'fail';
}

const num = (e: HistoryEvent, k: string) => (typeof e[k] === 'number' ? (e[k] as number) : 0);

function window(events: readonly HistoryEvent[], from: number, to: number): Window {
  let sent = 0;
  let ok = 0;
  for (const e of events) {
    if (e.type !== 'load.second' || e.t < from || e.t > to) continue;
    sent += num(e, 'sent');
    ok += num(e, 'ok');
  }
  return { sent, ok, errorRate: sent ? Math.round(((sent - ok) / sent) * 10_000) / 10_000 : null };
}

/** Customer error-seconds (see AnalysisFigures.customerErrorSeconds). */
export function customerErrorSeconds(sorted: readonly HistoryEvent[], from: number): number {
  const types = ['load.second', 'launch.second', 'nlb.second'].filter((t) => sorted.some((e) => e.type === t));
  if (!types.length) return 0;
  let total = 0;
  for (const type of types) {
    for (const e of sorted) {
      if (e.type !== type || e.t < from) continue;
      const sent = num(e, 'sent');
      if (sent > 0) total += (sent - num(e, 'ok')) / sent;
    }
  }
  return Math.round((total / types.length) * 100) / 100;
}

export function analyse(events: readonly HistoryEvent[], checks: readonly CheckSpec[], opts: { ttlMs: number; model: ModelConfig }): Analysis {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const figures = analyseFigures(sorted, opts);
  const results = evaluateChecks(checks, { events: sorted, model: opts.model, figures });
  return { ...figures, checks: results, verdict: results.every((c) => c.status !== 'fail') ? 'pass' : 'fail' };
}

/** Every figure of the analysis, from a time-sorted history. */
export function analyseFigures(sorted: readonly HistoryEvent[], opts: { ttlMs: number; model: ModelConfig }): AnalysisFigures {
  const ttlMs = opts.ttlMs;
  const r = analyseRecovery(sorted, opts.model);
  const end = sorted.at(-1)?.t ?? 0;
  const empty = sorted.find((e) => e.type === 'route53.record.empty' && e.regional === true);
  const emptyAtMs = empty?.t ?? null;
  const detected = emptyAtMs === null ? undefined : sorted.find((e) => e.type === 'canary' && e.outcome === 'empty' && e.t >= emptyAtMs);
  const restored = emptyAtMs === null ? undefined : sorted.find((e) => e.type === 'route53.record.restored' && e.regional === true && e.t >= emptyAtMs);
  const canary = Object.fromEntries(DNS_OUTCOMES.map((o) => [o, 0])) as Record<DnsOutcome, number>;
  for (const e of sorted) if (e.type === 'canary') canary[e.outcome as DnsOutcome]++;

  const firstFault = sorted.find((e) => e.type === 'fault.injected')?.t ?? end;
  const errorSeconds = customerErrorSeconds(sorted, firstFault);
  const steadyFrom = sorted.find((e) => e.type === 'run.phase' && e.phase === 'steady-state')?.t ?? 0;
  const emptyEnd = restored?.t ?? end;
  const writesEvent = sorted.find((e) => e.type === 'writes.checked');
  const writes = { acknowledged: writesEvent ? num(writesEvent, 'acknowledged') : 0, lost: writesEvent ? num(writesEvent, 'lost') : 0 };

  const faults = sorted
    .filter((e) => e.type === 'fault.injected')
    .map((e) => ({
      name: String(e.name),
      type: String(e.faultType),
      injectedAtMs: e.t,
      healedAtMs: sorted.find((h) => h.type === 'fault.healed' && h.name === e.name)?.t ?? null,
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
  const faulted = sorted.filter((e) => e.type === 'fault.injected');
  const delayedRejected = sorted.filter(
    (e) => e.type === 'route53.apply.rejected-stale' && faulted.some((f) => e.t >= f.t && Array.isArray(f.affects) && f.affects.includes(e.enactor)),
  );

  return {
    dns,
    writes,
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
      .filter((e) => e.type === 'operator.action')
      .map((e) => ({ action: String(e.action), atMs: e.t, ok: e.ok === true, actor: e.actor === 'human' ? ('human' as const) : ('scripted' as const), ...(e.actor === 'human' ? { by: String(e.by) } : {}) })),
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
