/**
 * What the monitoring said during a run, from its history alone: for every shipped rule
 * (`monitoring.rules`), when it first fired (Prometheus's start time, from the webhook's
 * `alert.firing`), how long after the trigger and after what it watches, whether it fired while
 * the regional record was empty, and whether it was resolved by the end.
 */
import { is, type HistoryEvent } from '../../core/events.ts';
import type { Milestone } from './milestones.ts';

export interface AlertFigure {
  readonly alertname: string;
  readonly stage: number;
  /** outage: it should fire while the record is empty; recovery: once DynamoDB is back. */
  readonly phase: string;
  /** typical: what most monitoring had; lesson-03: the non-empty assertion. */
  readonly monitoring: string;
  readonly summary: string;
  /** What the rule detects (a milestone, an event type, or "trigger"). */
  readonly since: string;
  /** Run ms Prometheus says it first started firing (null: never fired). */
  readonly firedAtMs: number | null;
  /** firedAtMs − the trigger's start (the empty record, else the first fault). */
  readonly fromTriggerMs: number | null;
  /** firedAtMs − when what it detects happened. */
  readonly afterItHappenedMs: number | null;
  readonly firings: number;
  readonly firedWhileEmpty: boolean;
  /** Resolved after its last firing, by the end of the run. */
  readonly resolved: boolean;
  readonly resolvedAtMs: number | null;
}

export interface AlertsSummary {
  /** The run had its monitoring on (the rules are in the history). */
  readonly monitored: boolean;
  readonly triggerAtMs: number | null;
  /** The regional record empty → restored, and DynamoDB reachable again (run ms). */
  readonly emptyAtMs: number | null;
  readonly restoredAtMs: number | null;
  readonly reachableAtMs: number | null;
  readonly alerts: readonly AlertFigure[];
}

export function analyseAlerts(sorted: readonly HistoryEvent[], milestones: readonly Milestone[]): AlertsSummary {
  const rulesEvent = sorted.find((e) => e.type === 'monitoring.rules');
  if (!rulesEvent) return { monitored: false, triggerAtMs: null, emptyAtMs: null, restoredAtMs: null, reachableAtMs: null, alerts: [] };
  const rules = rulesEvent.rules.map((r) => ({ alertname: r.alertname, stage: r.stage ?? 0, phase: r.phase ?? 'outage', monitoring: r.monitoring ?? 'typical', since: r.since ?? 'trigger', summary: r.summary ?? '' }));
  const empty = sorted.filter(is('route53.record.empty')).find((e) => e.regional);
  const restored = empty ? sorted.filter(is('route53.record.restored')).find((e) => e.regional && e.t >= empty.t) : undefined;
  const triggerAtMs = empty?.t ?? sorted.find((e) => e.type === 'fault.injected')?.t ?? null;
  const at = (since: string): number | null => {
    if (since === 'trigger') return triggerAtMs;
    const m = milestones.find((x) => x.name === since);
    if (m) return m.atMs;
    return sorted.find((e) => e.type === since && (triggerAtMs === null || e.t >= triggerAtMs))?.t ?? null;
  };
  const alerts = rules.map((r): AlertFigure => {
    const mine = sorted.filter(is('alert.firing', 'alert.resolved')).filter((e) => e.alertname === r.alertname);
    // When Prometheus says it started firing (the webhook's time only if a history lacks it).
    const startedAt = (e: (typeof mine)[number]) => e.startsAtMs ?? e.t;
    const firings = mine.filter((e) => e.type === 'alert.firing');
    const first = firings[0];
    const firedAtMs = first ? startedAt(first) : null;
    const last = mine.at(-1);
    const ref = at(r.since);
    const emptyFrom = empty?.t ?? Infinity;
    const emptyTo = restored?.t ?? Infinity;
    return {
      ...r,
      firedAtMs,
      fromTriggerMs: firedAtMs !== null && triggerAtMs !== null ? Math.round(firedAtMs - triggerAtMs) : null,
      afterItHappenedMs: firedAtMs !== null && ref !== null ? Math.round(firedAtMs - ref) : null,
      firings: firings.length,
      firedWhileEmpty: firings.some((f) => startedAt(f) >= emptyFrom && startedAt(f) < emptyTo),
      resolved: last === undefined || last.type === 'alert.resolved',
      resolvedAtMs: last?.type === 'alert.resolved' ? (last.endsAtMs ?? last.t) : null,
    };
  });
  const reachableAtMs = milestones.find((m) => m.name === 'dynamodb.reachable')?.atMs ?? null;
  return { monitored: true, triggerAtMs, emptyAtMs: empty?.t ?? null, restoredAtMs: restored?.t ?? null, reachableAtMs, alerts };
}
