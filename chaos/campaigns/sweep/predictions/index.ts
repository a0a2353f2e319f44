/**
 * Predictions beside the measured maps: for a cell's effective scenario (settings and faults),
 * what the analytic model of that experiment expects, in the sweep metric's terms.
 */
import { dynamodbCapacityPerSec } from '../../../../core/model-config-file.ts';
import { ModelConfigSchema } from '../../../../core/model-config.ts';
import type { Scenario } from '../../../experiment/scenario.ts';
import type { RunSummary } from '../../../run/journal.ts';
import type { ServicePrediction } from '../../../../user-services/prediction.ts';
import { predictHerd, predictReestablishRatio } from './herd.ts';
import { predictRace } from './race.ts';

export interface Prediction {
  /** For rate metrics: the predicted rate; for class metrics: the predicted class. */
  readonly value: number | string;
  /** How it was reached, for the report. */
  readonly detail: string;
}

/** DNS addresses a client pool spreads over (the record lists three). */
const ADDRESSES = 3;

/**
 * A cell's prediction from its effective scenario; a user's service's from its runs (its load ρ is
 * measured in each run's steady phase, before any fault: the median run's prediction).
 */
export function predict(scenario: Scenario, metric: string, runs: readonly RunSummary[] = []): Prediction | null {
  if (metric === 'service-metastable') {
    const p = runs.map((r) => r.services[0]?.prediction).filter((x): x is ServicePrediction => !!x).sort((a, b) => a.offered - b.offered);
    const mid = p[Math.floor((p.length - 1) / 2)];
    return mid ? { value: mid.verdict === 'stays-down' ? 1 : 0, detail: mid.detail } : null;
  }
  const model = ModelConfigSchema.parse(scenario.settings);
  if (metric === 'empty-record') {
    const f = scenario.faults.find((x) => x.type === 'latency' && x.link.startsWith('enactor'));
    if (!f || f.type !== 'latency') return null;
    // Fencing refuses the stale apply and guarded cleanup keeps the active plan (the model checker proves it).
    if (model.safeguards === 'on') return { value: 0, detail: 'safeguards on: a stale apply is fenced, the active plan is never deleted' };
    const r = predictRace({
      latencyMs: f.latencyMs,
      planIntervalMs: model.planIntervalMs,
      keep: model.cleanupKeepGenerations,
      pollMs: model.enactorPollMs,
      endpoints: model.endpoints,
      stream: f.stream,
      windowMs: scenario.stop.maxDurationMs - f.atMs,
    });
    return { value: r.rate, detail: `boundary ${r.boundaryMs} ms; ${r.attempts} attempts × check passes ${r.checkPass}` };
  }
  if (metric === 'reestablish-ratio') {
    const d = model.dwfm;
    if (d.strategy !== 'naive' && d.strategy !== 'full-jitter') return null;
    if (d.concurrency === 'adaptive') return null;
    const v = predictReestablishRatio({
      strategy: d.strategy,
      droplets: d.droplets,
      capacityPerSec: dynamodbCapacityPerSec(model.dynamodb),
      workers: model.dynamodb.workers,
      serviceTimeMs: model.dynamodb.serviceTimeMs,
      batchSize: d.batchSize,
      timeoutMs: d.requestTimeoutMs,
      concurrency: d.concurrency,
      maxBackoffMs: d.maxBackoffMs,
    });
    return { value: v, detail: d.strategy === 'naive' ? `limit ${d.concurrency} batches` : `cap ${d.maxBackoffMs} ms` };
  }
  if (metric === 'herd-class' || metric === 'metastable') {
    const cut = scenario.faults.find((x) => x.type === 'link-down');
    if (!cut || cut.durationMs === null) return null;
    const d = model.dwfm;
    const naive = d.strategy === 'naive' && d.concurrency === null;
    if (!naive && d.strategy !== 'full-jitter') return null;
    const r = predictHerd({
      strategy: naive ? 'naive' : 'full-jitter',
      droplets: d.droplets,
      renewPeriodMs: d.renewPeriodMs,
      leaseTtlMs: d.leaseTtlMs,
      triggerMs: cut.durationMs,
      capacityPerSec: dynamodbCapacityPerSec(model.dynamodb),
      timeoutMs: d.requestTimeoutMs,
      inFlightItems: d.connectionsPerAddress * ADDRESSES * d.batchSize,
      maxBackoffMs: d.maxBackoffMs,
      fastFailRetryMs: d.fastFailRetryMs,
    });
    const value = metric === 'metastable' ? (r.class === 'metastable' ? 1 : 0) : r.class;
    return { value, detail: `ρ = ${r.rho}, ${r.lapsed} lapsed${r.recoverMs !== null ? `, back in ~${(r.recoverMs / 1000).toFixed(1)} s` : ''}` };
  }
  return null;
}
