/**
 * Per-second time series for the charts, from a run's history and its analysis only. Time is in
 * seconds since DynamoDB was reachable again (the trigger's end; the first fault when there was
 * none), so the arms' recoveries line up on one axis even though the race that triggers the
 * outage takes a different time in each.
 */
import { DNS_OUTCOMES } from '../../../dns/resolve.ts';
import { GAME_EVENT_TYPES, is, type HistoryEvent } from '../../../core/events.ts';
import type { RunResult } from '../reporter.ts';

export interface Mark {
  readonly t: number;
  readonly label: string;
  /** operator: a scripted runbook action; human: anything a person did in a played game. */
  readonly kind: 'operator' | 'human' | 'milestone';
}

export interface ArmSeries {
  readonly name: string;
  /** Run ms of x = 0: DynamoDB reachable again (else the first fault). */
  readonly zeroMs: number;
  /** Per series: x (s since the first fault) → value. */
  readonly canary: Record<string, [number, number][]>;
  readonly customerErrorRate: [number, number][];
  readonly offered: [number, number][];
  readonly goodput: [number, number][];
  readonly wasted: [number, number][];
  readonly validLeases: [number, number][];
  readonly backlog: [number, number][];
  readonly nlbHealthy: [number, number][];
  /** Users' services: each one's good requests per second, % of those sent (2xx within its SLO's latency). */
  readonly services: Record<string, [number, number][]>;
  /** Fault windows [from, to] in s (to: the run's end when never healed). */
  readonly faults: { readonly from: number; readonly to: number; readonly label: string }[];
  readonly marks: Mark[];
}

const sec = (ms: number, zero: number) => Math.round((ms - zero) / 100) / 10;

export function armSeries(run: RunResult): ArmSeries {
  const ev: readonly HistoryEvent[] = run.events;
  const zeroMs = run.summary.herd.reachableAtMs ?? ev.find((e) => e.type === 'fault.injected')?.t ?? 0;
  const end = ev.at(-1)?.t ?? zeroMs;
  const x = (t: number) => sec(t, zeroMs);

  const canaryBuckets = new Map<number, Record<string, number>>();
  for (const e of ev) {
    if (e.type !== 'canary') continue;
    const b = Math.floor((e.t - zeroMs) / 1000);
    const row = canaryBuckets.get(b) ?? {};
    row[e.outcome] = (row[e.outcome] ?? 0) + 1;
    canaryBuckets.set(b, row);
  }
  const seen = DNS_OUTCOMES.filter((o) => [...canaryBuckets.values()].some((r) => r[o]));
  const canary: Record<string, [number, number][]> = {};
  const buckets = [...canaryBuckets.keys()].sort((a, b) => a - b);
  for (const o of seen) canary[o] = buckets.slice(0, -1).map((b) => [b + 1, canaryBuckets.get(b)![o] ?? 0]);

  const customerErrorRate: [number, number][] = ev
    .filter(is('load.second'))
    .filter((e) => e.sent > 0)
    .map((e) => [x(e.t), Math.round((1 - e.ok / e.sent) * 1000) / 10]);
  const services: Record<string, [number, number][]> = {};
  for (const e of ev.filter(is('service.second'))) if (e.sent > 0) (services[e.service] ??= []).push([x(e.t), Math.round((e.good / e.sent) * 1000) / 10]);
  const s = run.summary.herd.series;
  const pick = (f: (p: (typeof s)[number]) => number | null): [number, number][] =>
    s.flatMap((p) => {
      const v = f(p);
      return v === null ? [] : [[x(p.t), Math.round(v)] as [number, number]];
    });

  const faults = ev
    .filter(is('fault.injected'))
    .map((e) => ({ from: x(e.t), to: x(ev.filter(is('fault.healed')).find((h) => h.name === e.name)?.t ?? end), label: `fault ${e.name}` }));
  const marks: Mark[] = [
    ...ev.filter(is('operator.action')).map((e) => (e.actor === 'human' ? { t: x(e.t), label: `${e.action} (${e.by})`, kind: 'human' as const } : { t: x(e.t), label: `${e.action} (scripted)`, kind: 'operator' as const })),
    ...ev.filter(is(...GAME_EVENT_TYPES)).filter((e) => e.type !== 'game.note').map((e) => ({ t: x(e.t), label: `${e.type.slice(5)} (${e.by})`, kind: 'human' as const })),
    ...run.summary.recovery.milestones.filter((m) => m.name !== 'fault.injected').map((m) => ({ t: x(m.atMs), label: m.name, kind: 'milestone' as const })),
  ];
  return {
    name: run.name,
    zeroMs,
    canary,
    customerErrorRate,
    offered: pick((p) => p.offeredItems),
    goodput: pick((p) => p.servedItems),
    wasted: pick((p) => p.wastedItems),
    validLeases: pick((p) => p.valid),
    backlog: pick((p) => p.backlog),
    nlbHealthy: pick((p) => p.inService),
    services,
    faults,
    marks,
  };
}
