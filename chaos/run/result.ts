/** A finished run as reporters and campaigns see it, and an arm of a game day: plain types that import no stage that uses them. */
import type { HistoryEvent } from '../../core/events.ts';
import type { RunSummary } from './journal.ts';

export interface RunResult {
  /** The arm's name in a game day, else the scenario's. */
  readonly name: string;
  readonly summary: RunSummary;
  /** The run's whole history, sorted by time. */
  readonly events: readonly HistoryEvent[];
  readonly outDir: string;
  /** Files the reporters wrote into outDir. */
  readonly files: string[];
}

export interface ArmInfo {
  readonly name: string;
  readonly description: string;
  /** What the arm must show: the outage reproduced (collapse), a recovery (recover), or nothing: people play it (respond). */
  readonly expect: 'collapse' | 'recover' | 'respond';
  /** Whether the runbook's throttle is scripted in this arm. */
  readonly throttleScripted: boolean;
}
