/**
 * The analysis phase: a run's history in, its figures, the checks' verdicts and the story out.
 * The run pipeline (chaos/run/phases/analyse.ts) and `outage-lab report` (stored histories,
 * analysed again by this checkout's code) both come through here, so a figure is computed one way.
 */
import type { HistoryEvent } from '../../core/events.ts';
import type { ModelConfig } from '../../core/model-config.ts';
import { evaluateChecks, type CheckResult, type CheckSpec } from '../checks/index.ts';
import { serviceSloRecovered } from '../checks/service-slo-recovered.ts';
import { analyseFigures } from './analyse.ts';
import type { AnalysisFigures } from './figures.ts';

export type { CheckResult } from '../checks/index.ts';
export type { AnalysisFigures, DnsSummary, Window } from './figures.ts';

export interface Analysis extends AnalysisFigures {
  readonly checks: CheckResult[];
  readonly verdict: 'pass' | 'fail';
}

/** The DNS records' TTL the run used (its run.start event); 1 s for histories from before it was recorded. */
export function recordTtlMs(sorted: readonly HistoryEvent[]): number {
  const start = sorted.find((e) => e.type === 'run.start');
  return start?.recordTtlMs ?? 1000;
}

export function analyse(events: readonly HistoryEvent[], checks: readonly CheckSpec[], model: ModelConfig): Analysis {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const figures = analyseFigures(sorted, { ttlMs: recordTtlMs(sorted), model });
  const results = [...evaluateChecks(checks, { events: sorted, model, figures }), ...figures.services.map(serviceSloRecovered)];
  return { ...figures, checks: results, verdict: results.every((c) => c.status !== 'fail') ? 'pass' : 'fail' };
}
