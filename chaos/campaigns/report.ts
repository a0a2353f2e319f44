/**
 * `outage-lab report <folder>`: the analysis and every report made again from the stored
 * histories, with this checkout's code (the history is the only input to analysis). A run folder
 * (timeline.ndjson + summary.json) gets a new summary.json and report.md; a game day folder
 * (comparison.json + arms/*) gets every arm's and then its comparison, gate and reports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { CheckSpecSchema, type CheckSpec } from '../checks/index.ts';
import { ARMS } from './gameday/arms.ts';
import { compare, type Comparison } from './gameday/comparison.ts';
import { gate, readBaseline } from './gameday/gate.ts';
import { readHistory } from '../history/history.ts';
import type { GamedayReport, Reporter, RunResult } from '../reporters/reporter.ts';
import { journalOf, type RunSummary } from '../run/journal.ts';
import { summarise } from '../run/phases/analyse.ts';
import type { HistoryEvent } from '../../core/events.ts';

/** The checks a stored run was held to: its own record, else its game-day arm's, else the names it reported. */
function checksOf(s: RunSummary, arm: string): CheckSpec[] {
  if (s.config.checks) return s.config.checks;
  const def = ARMS.find((a) => a.name === arm);
  if (def) return [...def.checks];
  return s.checks.map((c) => CheckSpecSchema.parse(c.name));
}

/** A run folder's history (timeline.ndjson, or .ndjson.gz as a golden copy keeps it). */
export function timelineOf(dir: string): string | undefined {
  return ['timeline.ndjson', 'timeline.ndjson.gz'].map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** A stored run analysed again: its journal as recorded, the analysis by this checkout's code (the pipeline's own phase). */
export function reanalyseSummary(dir: string, name: string): { summary: RunSummary; events: HistoryEvent[] } {
  const summaryFile = join(dir, 'summary.json');
  const timeline = timelineOf(dir);
  if (!existsSync(summaryFile) || !timeline) throw new InputError(`${dir} is not a run folder (it needs summary.json and timeline.ndjson)`);
  const old = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
  const events = readHistory(timeline);
  const journal = journalOf(old);
  return { summary: summarise({ ...journal, config: { ...journal.config, checks: checksOf(old, name) }, outDir: dir }, events), events };
}

export async function reanalyseRun(dir: string, name: string, reporters: readonly Reporter[]): Promise<RunResult> {
  const { summary, events } = reanalyseSummary(dir, name);
  const run: RunResult = { name, summary, events, outDir: dir, files: [] };
  for (const r of reporters) if (r.onRunFinished) run.files.push(...(await r.onRunFinished(run)));
  return run;
}

export async function reanalyse(dir: string, reporters: readonly Reporter[]): Promise<{ files: string[]; gameday?: GamedayReport }> {
  if (!existsSync(join(dir, 'comparison.json'))) {
    const run = await reanalyseRun(dir, basename(dir), reporters);
    return { files: run.files };
  }
  const old = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) as Comparison;
  const arms = old.arms.map((a) => ({ name: a.name, description: a.description, expect: a.expect, throttleScripted: a.throttleScripted }));
  const runs: RunResult[] = [];
  for (const a of old.arms) runs.push(await reanalyseRun(join(dir, a.runDir), a.name, reporters));
  const durationMs = old.durationMs ?? runs.reduce((t, r) => t + r.summary.durationMs, 0);
  const comparison = compare({ scenario: old.scenario, seed: old.seed, quick: old.quick, arms, runs, runDirs: old.arms.map((a) => a.runDir), durationMs });
  const gateFile = join(dir, 'gate.json');
  const baselineFile = existsSync(gateFile) ? (JSON.parse(readFileSync(gateFile, 'utf8')) as { baselineFile: string }).baselineFile : undefined;
  const report: GamedayReport = {
    scenario: old.scenario,
    seed: old.seed,
    quick: old.quick,
    startedAt: runs[0]!.summary.startedAt,
    durationMs,
    outDir: dir,
    arms,
    runs,
    comparison,
    gate: baselineFile && existsSync(baselineFile) ? gate(comparison, readBaseline(baselineFile), baselineFile) : null,
  };
  const files = runs.flatMap((r) => r.files);
  for (const r of reporters) if (r.onGamedayFinished) files.push(...(await r.onGamedayFinished(report)));
  return { files, gameday: report };
}
