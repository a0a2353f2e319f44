/**
 * The journal of a run: what happened, step by step (Chaos Toolkit's run records), with a closed
 * status set. It is kept apart from the analysis (what it means): a RunSummary is a journal plus
 * the analysis computed from the run's history.
 */
import type { ModelConfig } from '../../core/model-config.ts';
import { nowMs } from '../../services/common/events.ts';
import type { Analysis } from '../analysis/index.ts';
import type { Scenario } from '../experiment/scenario.ts';

export type RunStatus = 'completed' | 'failed' | 'aborted' | 'interrupted';

export interface StepRecord {
  readonly name: string;
  readonly startMs: number;
  endMs: number | null;
  status: 'ok' | 'failed' | 'skipped';
  output?: unknown;
  error?: string;
}

export interface Journal {
  readonly scenario: string;
  readonly seed: number;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly runtime: string;
  readonly config: {
    readonly model: ModelConfig;
    readonly load: Scenario['load'];
    readonly faults: Scenario['faults'];
    readonly operator: Scenario['operator'];
    readonly stop: Scenario['stop'];
    /** The checks the run was held to (with their settings), so its history can be analysed again. */
    readonly checks: Scenario['checks'];
  };
  /** Step times in ms relative to the run's t = 0 (the lab being up). */
  readonly steps: StepRecord[];
  readonly outDir: string;
}

export interface RunSummary extends Journal, Analysis {}

/** The journal part of a stored summary (what happened), without what the analysis said. */
export function journalOf(s: RunSummary): Journal {
  return { scenario: s.scenario, seed: s.seed, status: s.status, startedAt: s.startedAt, durationMs: s.durationMs, runtime: s.runtime, config: s.config, steps: s.steps, outDir: s.outDir };
}

/** Step records with epoch-ms times while the run goes; `relativeTo` turns them into run times. */
export class Steps {
  readonly records: StepRecord[] = [];

  start(name: string): StepRecord {
    const r: StepRecord = { name, startMs: nowMs(), endMs: null, status: 'ok' };
    this.records.push(r);
    return r;
  }

  end(r: StepRecord, status: StepRecord['status'] = 'ok', extra: Partial<StepRecord> = {}): void {
    Object.assign(r, { endMs: nowMs(), status, ...extra });
  }

  /** Runs `fn` as one step: ok with its output, or failed with its error (rethrown). */
  async run<T>(name: string, fn: () => Promise<T>, output?: (v: T) => unknown): Promise<T> {
    const r = this.start(name);
    try {
      const v = await fn();
      this.end(r, 'ok', output ? { output: output(v) } : {});
      return v;
    } catch (err) {
      this.end(r, 'failed', { error: (err as Error).message });
      throw err;
    }
  }

  relativeTo(t0: number): StepRecord[] {
    return this.records.map((r) => ({ ...r, startMs: Math.round(r.startMs - t0), endMs: r.endMs === null ? null : Math.round(r.endMs - t0) }));
  }
}
