/**
 * Reporters turn a run (its summary and its history) or a game day (every arm, the comparison
 * and the regression gate) into something people read or CI acts on. One file per reporter,
 * registered by name in index.ts (`--report md,html,json,junit`); live displays are reporters
 * too, fed every history event as it happens. Data flows one way: reporters read, never decide.
 */
import type { HistoryEvent } from '../history.ts';
import type { Comparison } from '../gameday/comparison.ts';
import type { GateResult } from '../gameday/gate.ts';
import type { RunSummary } from '../run/journal.ts';
import type { Scenario } from '../scenario.ts';

/** A run while it goes, as live reporters see it. */
export interface LiveRun {
  readonly name: string;
  readonly scenario: Scenario;
  /** What the run is expected to take (for "elapsed / expected"). */
  readonly expectedMs: number;
  /** Epoch ms. */
  readonly startedAt: number;
}

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
