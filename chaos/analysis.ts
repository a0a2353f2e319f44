/**
 * Analysis of a run's history: the DNS milestones (empty published, detected, restored), the
 * canary's tally, customer error rates by phase, the Enactors' failures and fencing rejections,
 * and the checks that decide the verdict. Reads only the history (and the writes checker's
 * result, itself recorded in the history).
 */
import { DNS_OUTCOMES, type DnsOutcome } from '../dns/resolve.ts';
import type { ModelConfig } from '../lab/model-config.ts';
import type { HistoryEvent } from './history.ts';
import { analyseRecovery, milestoneOrderProblems, type RecoveryAnalysis } from './recovery.ts';
import type { CheckName } from './scenario.ts';

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

export interface CheckResult {
  readonly name: CheckName;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly detail: string;
}

export interface Analysis {
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
  readonly operator: { action: string; atMs: number; ok: boolean }[];
  readonly checks: CheckResult[];
  readonly verdict: 'pass' | 'fail';
  /** M / C in ms: no strategy can re-establish every lease faster. */
  readonly capacityBoundMs: number;
  readonly leases: RecoveryAnalysis['leases'];
  readonly metastable: boolean;
  readonly recovery: RecoveryAnalysis['recovery'];
  readonly nlb: RecoveryAnalysis['nlb'];
  readonly herd: Omit<RecoveryAnalysis, 'leases' | 'metastable' | 'recovery' | 'nlb' | 'capacityBoundMs'>;
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

export function analyse(events: readonly HistoryEvent[], checks: readonly CheckName[], opts: { ttlMs: number; model: ModelConfig }): Analysis {
  const ttlMs = opts.ttlMs;
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const r = analyseRecovery(sorted, opts.model);
  const end = sorted.at(-1)?.t ?? 0;
  const empty = sorted.find((e) => e.type === 'route53.record.empty' && e.regional === true);
  const emptyAtMs = empty?.t ?? null;
  const detected = emptyAtMs === null ? undefined : sorted.find((e) => e.type === 'canary' && e.outcome === 'empty' && e.t >= emptyAtMs);
  const restored = emptyAtMs === null ? undefined : sorted.find((e) => e.type === 'route53.record.restored' && e.regional === true && e.t >= emptyAtMs);
  const canary = Object.fromEntries(DNS_OUTCOMES.map((o) => [o, 0])) as Record<DnsOutcome, number>;
  for (const e of sorted) if (e.type === 'canary') canary[e.outcome as DnsOutcome]++;

  const firstFault = sorted.find((e) => e.type === 'fault.injected')?.t ?? end;
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
  const steadyOk = sorted.find((e) => e.type === 'steady-state.verified');

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

  const results: CheckResult[] = checks.map((name): CheckResult => {
    switch (name) {
      case 'dns-never-empty':
        return dns.emptyRecordPublished
          ? { name, status: 'fail', detail: `the regional record was published empty at ${Math.round(emptyAtMs!)} ms` }
          : { name, status: 'pass', detail: 'the regional record always had addresses' };
      case 'no-lost-writes':
        if (!writesEvent) return { name, status: 'fail', detail: 'the writes checker did not run' };
        return writes.lost === 0
          ? { name, status: 'pass', detail: `all ${writes.acknowledged} acknowledged writes read back` }
          : { name, status: 'fail', detail: `${writes.lost} of ${writes.acknowledged} acknowledged writes lost` };
      case 'detection-within-1s':
        if (!dns.emptyRecordPublished) return { name, status: 'skipped', detail: 'no empty record to detect' };
        if (dns.detectionMs === null) return { name, status: 'fail', detail: 'the canary never reported the empty record' };
        return dns.detectionMs <= 1000
          ? { name, status: 'pass', detail: `detected ${dns.detectionMs} ms after route53 committed the empty record` }
          : { name, status: 'fail', detail: `detected after ${dns.detectionMs} ms (> 1000)` };
      case 'steady-before-faults':
        return steadyOk
          ? { name, status: 'pass', detail: String(steadyOk.detail ?? 'steady state held before faults') }
          : { name, status: 'fail', detail: String(sorted.find((e) => e.type === 'steady-state.failed')?.detail ?? 'steady state was not verified') };
      case 'fencing-rejected-stale-apply':
        if (opts.model.safeguards !== 'on') return { name, status: 'skipped', detail: 'safeguards are off: nothing fences applies' };
        return delayedRejected.length > 0
          ? { name, status: 'pass', detail: `the delayed ${delayedRejected[0]!.enactor}'s stale apply of plan ${delayedRejected[0]!.generation} was rejected by fencing at ${Math.round(delayedRejected[0]!.t)} ms (record had ${delayedRejected[0]!.active}); ${staleRejected} rejections in all` }
          : { name, status: 'fail', detail: 'no stale apply from the delayed Enactor was rejected (are safeguards on? did the fault last long enough?)' };
      case 'leases-reestablished':
        if (r.leases.needed === 0) return { name, status: 'skipped', detail: 'no lease lapsed' };
        return r.leases.reestablishMs !== null
          ? { name, status: 'pass', detail: `${r.leases.needed} leases re-established in ${r.leases.reestablishMs} ms (${(r.leases.reestablishMs / r.capacityBoundMs).toFixed(2)} × the capacity bound)` }
          : { name, status: 'fail', detail: `${r.series.at(-1)?.lapsed ?? '?'} leases still lapsed when the run ended` };
      case 'not-metastable':
        return r.metastable
          ? { name, status: 'fail', detail: `metastable: goodput under 10 % of capacity for ${r.collapseMs} ms after the trigger was gone (> 5 × M / C = ${5 * r.capacityBoundMs} ms)` }
          : { name, status: 'pass', detail: `longest collapse ${r.collapseMs} ms (metastable above ${5 * r.capacityBoundMs} ms)` };
      case 'milestones-in-order': {
        const problems = milestoneOrderProblems(r.recovery.milestones);
        return problems.length
          ? { name, status: 'fail', detail: problems.join('; ') }
          : { name, status: 'pass', detail: r.recovery.milestones.map((m) => m.name).join(' → ') };
      }
    }
  });

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
    operator: sorted.filter((e) => e.type === 'operator.action').map((e) => ({ action: String(e.action), atMs: e.t, ok: e.ok === true })),
    checks: results,
    verdict: results.every((c) => c.status !== 'fail') ? 'pass' : 'fail',
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
  };
}
