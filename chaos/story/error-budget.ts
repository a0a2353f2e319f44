/**
 * Error-budget burn (lesson 06): the run's time scale converted to the incident's, and the share
 * of a 99.9 % and a 99.99 % yearly budget the outage would consume at that scale. The scale is the
 * trigger's: the regional record was empty for 157 minutes in the incident and for
 * `triggerMs` here, so one run second stands for 157 min / triggerMs.
 */
import type { HistoryEvent } from '../history/history.ts';
import { triggerWindow } from '../analysis/milestones.ts';
import type { RecoveryAnalysis } from '../analysis/recovery.ts';
import { INCIDENT, MINUTES_PER_YEAR, SLA_TIERS } from './incident.ts';

export interface ErrorBudget {
  /** Run ms the trigger lasted (DNS empty, or DynamoDB cut off). */
  readonly triggerMs: number;
  /** Incident minutes one run second stands for. */
  readonly minutesPerRunSecond: number;
  /** Trigger start → every SLO holding again (or the run's end, then `recovered: false`). */
  readonly outageMs: number;
  readonly recovered: boolean;
  /** The outage at the incident's scale. */
  readonly incidentMinutes: number;
  /** Customer error-seconds at the incident's scale, in minutes (partial failures weigh less). */
  readonly errorMinutes: number;
  readonly tiers: { readonly sla: number; readonly budgetMinutes: number; readonly outageShare: number; readonly errorShare: number }[];
}

export function errorBudget(sorted: readonly HistoryEvent[], r: RecoveryAnalysis, customerErrorSeconds: number): ErrorBudget | null {
  const w = triggerWindow(sorted);
  if (!w) return null;
  const end = sorted.at(-1)?.t ?? w.start;
  const triggerMs = (w.end ?? end) - w.start;
  if (triggerMs <= 0) return null;
  const minutesPerRunSecond = INCIDENT.dnsRestoredMin / (triggerMs / 1000);
  const recovered = w.end !== null && r.recovery.ttrMs !== null;
  const outageMs = recovered ? w.end! + r.recovery.ttrMs! - w.start : end - w.start;
  const incidentMinutes = (outageMs / 1000) * minutesPerRunSecond;
  const errorMinutes = customerErrorSeconds * minutesPerRunSecond;
  const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    triggerMs: Math.round(triggerMs),
    minutesPerRunSecond: round(minutesPerRunSecond, 2),
    outageMs: Math.round(outageMs),
    recovered,
    incidentMinutes: round(incidentMinutes),
    errorMinutes: round(errorMinutes),
    tiers: SLA_TIERS.map((sla) => {
      const budgetMinutes = (1 - sla) * MINUTES_PER_YEAR;
      return { sla, budgetMinutes: round(budgetMinutes), outageShare: round(incidentMinutes / budgetMinutes, 3), errorShare: round(errorMinutes / budgetMinutes, 3) };
    }),
  };
}
