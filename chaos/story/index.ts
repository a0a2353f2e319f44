/** What a run's history says about the incident's lessons: causes, blast radius, budget, fidelity. */
import type { ModelConfig } from '../../core/model-config.ts';
import type { HistoryEvent } from '../history/history.ts';
import type { RecoveryAnalysis } from '../analysis/recovery.ts';
import { blastRadius, type BlastRadius } from './blast-radius.ts';
import { contributingCauses, type Cause } from './causes.ts';
import { errorBudget, type ErrorBudget } from './error-budget.ts';
import { fidelity, type FidelityRow } from './fidelity.ts';

export type { BlastRadius, Impairment } from './blast-radius.ts';
export type { Cause } from './causes.ts';
export type { ErrorBudget } from './error-budget.ts';
export type { FidelityRow } from './fidelity.ts';

export interface Story {
  readonly causes: readonly Cause[];
  readonly blastRadius: BlastRadius;
  readonly errorBudget: ErrorBudget | null;
  readonly fidelity: readonly FidelityRow[];
}

export function analyseStory(sorted: readonly HistoryEvent[], model: ModelConfig, r: RecoveryAnalysis, customerErrorSeconds: number): Story {
  const recoveredAt = r.reachableAtMs !== null && r.recovery.ttrMs !== null ? r.reachableAtMs + r.recovery.ttrMs : null;
  return {
    causes: contributingCauses(sorted, r),
    blastRadius: blastRadius(sorted, r, model.nlb.targets),
    errorBudget: errorBudget(sorted, r, customerErrorSeconds),
    fidelity: fidelity(r.recovery.milestones, recoveredAt),
  };
}
