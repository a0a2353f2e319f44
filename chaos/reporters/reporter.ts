/**
 * Reporters turn a run (its summary and its history) or a game day (every arm, the comparison
 * and the regression gate) into something people read or CI acts on. One file per reporter,
 * registered by name in index.ts (`--report md,html,json,junit`); live displays are reporters
 * too, fed every history event as it happens. Data flows one way: reporters read, never decide.
 */
import type { HistoryEvent } from '../history/history.ts';
import type { Comparison } from '../campaigns/gameday/comparison.ts';
import type { GateResult } from '../campaigns/gameday/gate.ts';
import type { RunSummary } from '../run/journal.ts';
import type { Scenario } from '../experiment/scenario.ts';

/** A run while it goes, as live reporters see it. */
export interface LiveRun {
  readonly name: string;
  readonly scenario: Scenario;
  /** What the run is expected to take (for "elapsed / expected"). */
  readonly expectedMs: number;
  /** Epoch ms. */
  readonly startedAt: number;
}

export type { ArmInfo, RunResult } from '../run/result.ts';
import type { ArmInfo, RunResult } from '../run/result.ts';

/** A part another capability adds to a game day's reports (a played game's debrief), shown first. */
export interface ReportSection {
  readonly id: string;
  readonly markdown: readonly string[];
  readonly html: string;
  /** Styles its HTML needs (report.html has no other stylesheet). */
  readonly css?: string;
}

export interface GamedayReport {
  /** The reports' heading (default "Game day: <scenario> — <verdict>"). */
  readonly title?: string;
  readonly scenario: string;
  readonly seed: number;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outDir: string;
  readonly arms: readonly ArmInfo[];
  readonly runs: readonly RunResult[];
  readonly comparison: Comparison;
  readonly gate: GateResult | null;
  readonly sections?: readonly ReportSection[];
}

export interface Reporter {
  readonly name: string;
  readonly description: string;
  onRunStart?(run: LiveRun): void;
  onEvent?(e: HistoryEvent, run: LiveRun): void;
  /** Writes a run's own files into its folder; returns their paths. */
  onRunFinished?(run: RunResult): Promise<string[]> | string[];
  /** Writes a game day's files into its folder; returns their paths. */
  onGamedayFinished?(g: GamedayReport): Promise<string[]> | string[];
  /** Releases the terminal (live reporters). */
  close?(): void;
}
