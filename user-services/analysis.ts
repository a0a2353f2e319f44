/**
 * A user's service judged from the run's history alone (Jepsen's habit: the history in, figures
 * out). The run's arc gives four phases:
 *
 *   steady     from when its workload first met its SLO over a window (service.steady; the
 *              warm-up before is not judged) until the regional record emptied
 *   empty      while the record was empty (Route 53's commit times)
 *   recovering from the record's restoration until the service's SLO holds again
 *   after      from then to the end of the run
 *
 * The SLO *holds* at the end of a window of `slo.windowMs` whose workload requests were good
 * (2xx within the latency bound, callers' retries included) at least `slo.successRatio` of the
 * time; time to recover is from the restoration to the first such window's end. A service that
 * never got there although the run watched it for its bound after the restoration stayed down
 * after its trigger was gone: metastable, as the lab's own arms are judged (a run that ended
 * sooner leaves it `cut-short`: not judged). Amplification is DynamoDB calls signed with the service's key (the
 * stand-in's count, so retries inside the SDK are in it) per workload request sent, per phase.
 */
import { is, type HistoryEvent, type HistoryEventOf } from '../core/events.ts';
import { dynamodbCounterSum, interpolate, predictService, samplesOf, tableUnits, type ServicePrediction } from './prediction.ts';
import type { ServiceFile } from './service-file.ts';

export const PHASES = ['steady', 'empty', 'recovering', 'after'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface ServicePhase {
  readonly name: PhaseName;
  readonly fromMs: number;
  readonly toMs: number;
  readonly requests: number;
  readonly ok: number;
  readonly good: number;
  /** The highest per-second p99 in the phase (an upper bound of the phase's p99). */
  readonly p99Ms: number | null;
  readonly dynamodbCallsPerRequest: number | null;
}

/**
 * `metastable`: it never met its SLO again although the run watched it for its whole bound after
 * DNS came back (the trigger gone); `cut-short`: not yet recovered when the run ended, before that
 * bound had passed — nothing can be said.
 */
export type ServiceVerdict = 'recovered' | 'late' | 'metastable' | 'cut-short' | 'no-trigger' | 'exited';

export interface ServiceFigures {
  readonly name: string;
  readonly language: string;
  readonly sdk: { readonly name: string; readonly version: string };
  /** The retry settings in force (its environment's retry variables; empty: the SDK's defaults). */
  readonly retry: Readonly<Record<string, string>>;
  readonly phases: readonly ServicePhase[];
  /** From the record's restoration until the SLO held again (null: never, or no trigger). */
  readonly ttrMs: number | null;
  readonly metastable: boolean;
  /** The first failed answer while the record was empty (what a responder would have seen). */
  readonly firstError: { readonly request: string; readonly status: number | null; readonly error: string; readonly atMs: number } | null;
  readonly recoverWithinMs: number;
  readonly verdict: ServiceVerdict;
  /** Recovers or stays down, predicted from its retry configuration and its steady load (user-services/prediction.ts); null when its SDK's retries are not known to the lab. */
  readonly prediction: ServicePrediction | null;
  /** How it came back to its table once the record was restored (null: no restoration, or no scrapes). */
  readonly afterRestore: AfterRestore | null;
}

/** Seconds after the restoration that `afterRestore` follows (a service's whole bound, as the example files give it). */
export const AFTER_RESTORE_SECONDS = 60;

/**
 * The first minute after DNS came back, from the stand-in's counters (scraped every second):
 * when the service's first call arrived — the scrape that saw it, so up to a second late — and
 * per second its calls on arrival, the units its busiest table took (served or wasted) beside that
 * table's capacity, and the calls that table's throughput limit refused: how hard it came back,
 * whether the table ran at capacity, and whether (and how much) its SDK sent while throttled.
 */
export interface AfterRestore {
  readonly firstCallMs: number | null;
  readonly callsPerSecond: readonly number[];
  readonly table: string | null;
  readonly unitsPerSecond: readonly number[];
  readonly capacityPerSec: number | null;
  /** Refused by the table's provisioned or on-demand limit (empty: a table without one, or an older history). */
  readonly throttledPerSecond: readonly number[];
}

type Sample = { t: number; v: number };

/** Per-second increments of a counter over `n` seconds from `from` (interpolated between scrapes). */
function perSecond(samples: readonly Sample[], from: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => Math.round(interpolate(samples, from + (k + 1) * 1000) - interpolate(samples, from + k * 1000)));
}

export function afterRestoreOf(calls: readonly Sample[], units: readonly Sample[], restoredAt: number | undefined, end: number, table: { name: string; capacityPerSec: number } | null, throttled: readonly Sample[] = []): AfterRestore | null {
  if (restoredAt === undefined || calls.length < 2) return null;
  const base = interpolate(calls, restoredAt);
  const first = calls.find((s) => s.t > restoredAt && s.v > base);
  const n = Math.max(0, Math.min(AFTER_RESTORE_SECONDS, Math.floor((Math.min(end, calls.at(-1)!.t) - restoredAt) / 1000)));
  return {
    firstCallMs: first ? Math.round(first.t - restoredAt) : null,
    callsPerSecond: perSecond(calls, restoredAt, n),
    table: table?.name ?? null,
    unitsPerSecond: table && units.length > 1 ? perSecond(units, restoredAt, n) : [],
    capacityPerSec: table?.capacityPerSec ?? null,
    throttledPerSecond: table && throttled.length > 1 ? perSecond(throttled, restoredAt, n) : [],
  };
}

/** Calls a table's throughput limit refused, both directions (the counter's name before it counted on-demand too: dynamodb_provisioned_throttled_total). */
const tableThrottled = (table: string) => dynamodbCounterSum(['dynamodb_throttled_total', 'dynamodb_provisioned_throttled_total'], `table="${table}"`);

// Counted on arrival: under overload the calls answered are capped by the table's capacity, the
// calls made are not (a retry that times out in the queue is still a call the service made).
const calls = (service: string) => dynamodbCounterSum(['dynamodb_client_requests_total'], `client="${service}"`);

/** The arc's times: the regional record emptied, and restored after that (undefined when not). */
export function recordTimes(events: readonly HistoryEvent[]): { emptyAt?: number; restoredAt?: number } {
  const empty = events.find((e): e is HistoryEventOf<'route53.record.empty'> => e.type === 'route53.record.empty' && e.regional);
  if (!empty) return {};
  const restored = events.find((e): e is HistoryEventOf<'route53.record.restored'> => e.type === 'route53.record.restored' && e.regional && e.t > empty.t);
  return { emptyAt: empty.t, ...(restored ? { restoredAt: restored.t } : {}) };
}

/** The end of the first window at or after `from` over which the SLO held (undefined: none). */
export function sloHeldAt(seconds: readonly HistoryEventOf<'service.second'>[], from: number, slo: Pick<ServiceFile['slo'], 'windowMs' | 'successRatio'>): number | undefined {
  const after = seconds.filter((s) => s.t > from);
  const n = Math.max(1, Math.round(slo.windowMs / 1000));
  for (let i = n - 1; i < after.length; i++) {
    const w = after.slice(i - n + 1, i + 1);
    const sent = w.reduce((a, s) => a + s.sent, 0);
    const good = w.reduce((a, s) => a + s.good, 0);
    if (sent > 0 && good / sent >= slo.successRatio) return after[i]!.t;
  }
  return undefined;
}

/** Every service the history has, judged (in the order they started). */
export function analyseServices(events: readonly HistoryEvent[]): ServiceFigures[] {
  return events.filter(is('service.started')).map((s) => analyseService(events, s));
}

/** One service's figures from the history, judged by the SLO its start recorded. */
export function analyseService(events: readonly HistoryEvent[], started: HistoryEventOf<'service.started'>): ServiceFigures {
  const name = started.service;
  const file = { slo: started.slo };
  const ofService = <E extends { service: string }>(list: E[]) => list.filter((e) => e.service === name);
  const seconds = ofService(events.filter(is('service.second')));
  const errors = ofService(events.filter(is('service.error')));
  const exited = ofService(events.filter(is('service.exited')))[0];
  const metrics = events.filter(is('metrics'));
  const end = events.at(-1)?.t ?? 0;
  const { emptyAt, restoredAt } = recordTimes(events);
  const recoveredAt = restoredAt === undefined ? undefined : sloHeldAt(seconds, restoredAt, file.slo);
  const bounds: [PhaseName, number, number][] = [];
  // Steady from when its workload first met the SLO (its warm-up is not judged), else from its start.
  const from = ofService(events.filter(is('service.steady')))[0]?.t ?? started.t;
  if (emptyAt === undefined) bounds.push(['steady', from, end]);
  else {
    bounds.push(['steady', from, emptyAt], ['empty', emptyAt, restoredAt ?? end]);
    if (restoredAt !== undefined) bounds.push(['recovering', restoredAt, recoveredAt ?? end]);
    if (recoveredAt !== undefined) bounds.push(['after', recoveredAt, end]);
  }
  // The service's call count at time t, interpolated between the scrapes around it (counters only grow).
  // Its key is its own and new: no call before it started.
  const samples = [{ t: started.t, v: 0 }, ...samplesOf(metrics, calls(name), started.t)];
  const callsAt = (t: number) => interpolate(samples, t);
  const phases = bounds.map(([phase, a, b]): ServicePhase => {
    const secs = seconds.filter((s) => s.t > a && s.t <= b);
    const requests = secs.reduce((x, s) => x + s.sent, 0);
    const p99s = secs.map((s) => s.p99Ms).filter((p): p is number => typeof p === 'number');
    return {
      name: phase,
      fromMs: Math.round(a),
      toMs: Math.round(b),
      requests,
      ok: secs.reduce((x, s) => x + s.ok, 0),
      good: secs.reduce((x, s) => x + s.good, 0),
      p99Ms: p99s.length ? Math.max(...p99s) : null,
      dynamodbCallsPerRequest: requests > 0 && samples.length > 1 ? Number(((callsAt(b) - callsAt(a)) / requests).toFixed(2)) : null,
    };
  });
  const firstErr = emptyAt === undefined ? undefined : errors.find((e) => e.t >= emptyAt);
  const ttrMs = restoredAt !== undefined && recoveredAt !== undefined ? Math.round(recoveredAt - restoredAt) : null;
  const prediction = phases[0] ? predictService(started, metrics, phases[0]) : null;
  // Its busiest table (the prediction's), else its first.
  const table = started.tables?.find((t) => t.name === prediction?.table) ?? started.tables?.[0] ?? null;
  const down = restoredAt !== undefined && recoveredAt === undefined;
  // Stayed down only counts as metastable once the run watched it for its whole bound (the same
  // reach a stop condition waits for: the bound and one SLO window).
  const watched = restoredAt !== undefined && end >= restoredAt + file.slo.recoverWithinMs + file.slo.windowMs - 1000;
  const metastable = down && watched;
  const verdict: ServiceVerdict = exited
    ? 'exited'
    : emptyAt === undefined || restoredAt === undefined
      ? 'no-trigger'
      : down
        ? watched
          ? 'metastable'
          : 'cut-short'
        : ttrMs! > file.slo.recoverWithinMs
          ? 'late'
          : 'recovered';
  return {
    name,
    language: started.language,
    sdk: { name: started.sdk, version: started.sdkVersion },
    retry: started.retry,
    phases,
    ttrMs,
    metastable,
    firstError: firstErr ? { request: firstErr.request, status: firstErr.status ?? null, error: firstErr.error, atMs: Math.round(firstErr.t) } : null,
    recoverWithinMs: file.slo.recoverWithinMs,
    verdict,
    prediction,
    afterRestore: afterRestoreOf(samples, table ? samplesOf(metrics, tableUnits(table.name), started.t) : [], restoredAt, end, table, table ? samplesOf(metrics, tableThrottled(table.name), started.t) : []),
  };
}
