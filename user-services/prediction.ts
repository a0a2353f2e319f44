/**
 * Will the service recover by itself once DNS is back, or stay down under its own retries? The
 * prediction beside the service map, from its configuration and its table's headroom:
 *
 *   offered load after the outage  =  ρ × k × n
 *
 * ρ is the busiest of its tables' load in its steady phase (units served per second over the
 * table's capacity C, measured before any fault); k its callers' attempts per request; n the calls
 * one attempt makes once calls keep failing (user-services/sdk-retry/: 1 with a retry quota, which
 * is spent within a few dozen retries; every allowed attempt without one). When the outage leaves
 * more than a timeout of work queued (every call times out), the service's calls arrive at ρ × k × n
 * of capacity: above 1 the queue cannot drain and it stays down (metastable); below, it drains.
 * It says nothing about whether the outage pushes the queue past the timeout in the first place
 * (docs/your-service.md, "Retry storms": the slow return does; "Why Java and Python disagree": how
 * long a push it takes).
 *
 * A table with a throughput limit below its capacity (provisioned RCU + WCU, or an on-demand
 * maximum, under C) refuses what is above the limit before it queues, once its saved burst is
 * spent: then at most limit / C of capacity is offered, and a backlog drains whatever the retries
 * — it recovers, later by however long the saved burst lets the storm through.
 */
import type { HistoryEventOf } from '../core/events.ts';
import { callsPerAttemptUnderFailure } from './sdk-retry/index.ts';

export interface ServicePrediction {
  /** The busiest table and its steady load ρ (units/s over its capacity). */
  readonly table: string;
  readonly rho: number;
  readonly callerAttempts: number;
  readonly callsPerAttempt: number;
  /** ρ × k × n: the load its calls would offer once every call fails. */
  readonly offered: number;
  /** The busiest table's limit over its capacity, when it admits less than its capacity (null: no such limit). */
  readonly admitted: number | null;
  readonly verdict: 'recovers' | 'stays-down';
  readonly detail: string;
}

type Metrics = HistoryEventOf<'metrics'>;

/** A counter's samples from the scrapes after `since` (those that have it). */
export function samplesOf(metrics: readonly Metrics[], pick: (m: Metrics) => number | undefined, since = -Infinity): { t: number; v: number }[] {
  return metrics.flatMap((m) => {
    const v = pick(m);
    return v === undefined || m.t <= since ? [] : [{ t: m.t, v }];
  });
}

/** A counter at time t, interpolated between the samples around it (counters only grow). */
export function interpolate(samples: readonly { t: number; v: number }[], t: number): number {
  const i = samples.findIndex((x) => x.t > t);
  if (i === 0) return samples[0]!.v;
  if (i < 0) return samples.at(-1)?.v ?? 0;
  const [a, b] = [samples[i - 1]!, samples[i]!];
  return a.v + ((b.v - a.v) * (t - a.t)) / (b.t - a.t);
}

/** Units a table's work took (served, and served after its client had gone). */
/** The sum of DynamoDB's counters named one of `names` whose labels hold `label` (e.g. `table="orders"`); undefined before DynamoDB's first sample. */
export const dynamodbCounterSum = (names: readonly string[], label: string) => (m: Metrics): number | undefined => {
  const d = m.services.dynamodb;
  if (!d) return undefined;
  let n = 0;
  for (const [k, v] of Object.entries(d)) if (k.includes(label) && names.some((name) => k.startsWith(`${name}{`))) n += v;
  return n;
};

export const tableUnits = (table: string) => (m: Metrics) => {
  const d = m.services.dynamodb;
  if (!d) return undefined;
  return (d[`dynamodb_items_total{outcome="served",table="${table}"}`] ?? 0) + (d[`dynamodb_items_total{outcome="wasted",table="${table}"}`] ?? 0);
};

export function predictService(started: HistoryEventOf<'service.started'>, metrics: readonly Metrics[], steady: { readonly fromMs: number; readonly toMs: number }): ServicePrediction | null {
  const policy = started.retryPolicy;
  if (!policy || !started.tables?.length || started.callerAttempts === undefined) return null;
  const seconds = (steady.toMs - steady.fromMs) / 1000;
  if (seconds < 1) return null;
  const loads = started.tables.map((t) => {
    const samples = samplesOf(metrics, tableUnits(t.name));
    const units = interpolate(samples, steady.toMs) - interpolate(samples, steady.fromMs);
    return { table: t.name, rho: units / seconds / t.capacityPerSec, limit: t.limitPerSec !== undefined && t.limitPerSec < t.capacityPerSec ? t.limitPerSec / t.capacityPerSec : null };
  });
  const busiest = loads.reduce((a, b) => (b.rho > a.rho ? b : a));
  const k = started.callerAttempts;
  const n = callsPerAttemptUnderFailure(policy);
  const offered = busiest.rho * k * n;
  const admitted = busiest.limit;
  const verdict = offered > 1 && admitted === null ? 'stays-down' : 'recovers';
  const why = policy.quota ? `${policy.mode}: its quota of ${policy.quota.tokens} spent at ${policy.quota.transientCost} a retry` : `${policy.mode}: ${policy.maxAttempts} attempts, no quota`;
  const r2 = (x: number) => x.toFixed(2);
  return {
    table: busiest.table,
    rho: Number(r2(busiest.rho)),
    callerAttempts: k,
    callsPerAttempt: n,
    offered: Number(r2(offered)),
    admitted: admitted === null ? null : Number(r2(admitted)),
    verdict,
    detail:
      `ρ ${r2(busiest.rho)} × ${k} caller attempt${k === 1 ? '' : 's'} × ${n} call${n === 1 ? '' : 's'} per attempt (${why}) = ${r2(offered)}` +
      (admitted === null
        ? ` ${offered > 1 ? '> 1: stays down' : '≤ 1: recovers'}`
        : `; its throughput limit admits ${r2(admitted)} of its capacity once the saved burst is spent: ${offered > 1 ? 'recovers after the burst' : 'recovers'}`),
  };
}
