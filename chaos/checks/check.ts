/**
 * What every check shares. A check reads the run's history and the analysis computed from it and
 * says pass, fail or skipped with a one-line detail; each has its own settings schema and lives in
 * its own file, registered by name in index.ts (like the fault types), so a scenario's `checks:`
 * list and its validation derive from the registry.
 */
import type { z } from 'zod';
import type { ModelConfig } from '../../core/model-config.ts';
import type { AnalysisFigures } from '../analysis/figures.ts';
import type { HistoryEvent } from '../history/history.ts';

export interface CheckInput {
  /** The whole history, sorted by time. */
  readonly events: readonly HistoryEvent[];
  readonly model: ModelConfig;
  /** Every figure the analysis computed from that history. */
  readonly figures: AnalysisFigures;
}

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface CheckVerdict {
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface CheckResult extends CheckVerdict {
  readonly name: string;
}

export interface Check<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  /** The check's own settings (an object schema with defaults; `{}` when it has none). */
  readonly settings: S;
  evaluate(input: CheckInput, settings: z.output<S>): CheckVerdict;
}

export const pass = (detail: string): CheckVerdict => ({ status: 'pass', detail });
export const fail = (detail: string): CheckVerdict => ({ status: 'fail', detail });
export const skipped = (detail: string): CheckVerdict => ({ status: 'skipped', detail });
