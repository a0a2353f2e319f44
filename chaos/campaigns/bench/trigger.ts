/**
 * `outage-lab bench trigger`: does the closed-loop trigger (faults/held-apply.ts) empty the
 * record every time, also on a busy machine? The us-east-1 scenario at its quick size, N runs on
 * fresh labs (seeds 1..N, a sweep of one cell, so the runs are kept and resumable), each stopped
 * 0.3 s after the regional record went empty or after the trigger gave up, optionally with
 * `cpuHog` busy-loop processes (at the lab's own priority) keeping the cores busy throughout.
 * Prints the share of runs whose record emptied with its 95 % Wilson interval, and from the
 * histories the time from injection to the empty record and how long after Route 53 answered the
 * passing check the hold was in place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabContext } from '../../../lab/lab.ts';
import type { RuntimeName } from '../../../lab/runtimes/index.ts';
import { readHistory } from '../../history/history.ts';
import { cellId } from '../sweep/grid.ts';
import { median, wilson, type Rate } from '../sweep/stats.ts';
import { runSweep } from '../sweep/sweep.ts';
import { is } from '../../../core/events.ts';

export interface BenchTriggerOptions {
  readonly runs: number;
  readonly safeguards: 'on' | 'off';
  readonly cpuHog: number;
  readonly sets: readonly string[];
  readonly outDir: string;
  readonly lab: LabContext;
  readonly runtime?: RuntimeName;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface TriggerRun {
  readonly seed: number;
  readonly emptied: boolean;
  /** Injection → the regional record empty. */
  readonly toEmptyMs: number | null;
  /** Route 53's answer to the passing check → the hold in place, for each hold. */
  readonly holdAfterCheckMs: number[];
  readonly holds: number;
  readonly missed: number;
  readonly gaveUp: string | null;
}

export interface BenchTriggerResult {
  readonly scenario: 'us-east-1';
  readonly quick: true;
  readonly runtime: RuntimeName;
  readonly safeguards: 'on' | 'off';
  readonly cpuHog: number;
  readonly cores: number;
  readonly emptied: { readonly k: number; readonly n: number; readonly rate: Rate | null };
  readonly toEmptyMs: { readonly median: number | null; readonly max: number | null };
  readonly holdAfterCheckMs: { readonly median: number | null; readonly max: number | null };
  readonly missed: number;
  readonly gaveUp: number;
  readonly runs: TriggerRun[];
  readonly wallMs: number;
}

/** The scenario's own runbook is left out: the question is the trigger, and each run stops right after it. */
export const TRIGGER_SETS = [
  'operator=[]',
  'checks=["steady-before-faults"]',
  'stop.maxDurationMs=75000',
  'stop.afterEvents=[{"event":"route53.record.empty","match":{"regional":true},"delayMs":300},{"event":"fault.trigger.gave-up","delayMs":300}]',
];

/** Busy loops at the lab's own priority, one process each; stopped by the returned function. */
export function startCpuHog(n: number): () => void {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < n; i++) kids.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  return () => {
    for (const k of kids) k.kill('SIGKILL');
  };
}

export function triggerRun(seed: number, timeline: string): TriggerRun {
  const h = readHistory(timeline);
  const injected = h.filter(is('fault.injected')).find((e) => e.faultType === 'held-apply');
  const empty = h.filter(is('route53.record.empty')).find((e) => e.regional);
  const gaveUp = h.find(is('fault.trigger.gave-up'));
  const done = h.find(is('fault.trigger.done'));
  return {
    seed,
    emptied: empty !== undefined,
    toEmptyMs: empty && injected ? Math.round(empty.t - injected.t) : null,
    holdAfterCheckMs: h.filter(is('fault.trigger.hold')).map((e) => e.afterCheckMs),
    holds: done?.holds ?? gaveUp?.holds ?? 0,
    missed: done?.missed ?? gaveUp?.missed ?? 0,
    gaveUp: gaveUp?.reason ?? null,
  };
}

export async function benchTrigger(o: BenchTriggerOptions): Promise<BenchTriggerResult> {
  const started = performance.now();
  const stopHog = startCpuHog(o.cpuHog);
  if (o.cpuHog) o.log(`cpu hog: ${o.cpuHog} busy-loop process${o.cpuHog === 1 ? '' : 'es'} until the bench ends`);
  const grid = { safeguards: [o.safeguards] };
  try {
    await runSweep({ scenario: 'us-east-1', grid, repeat: o.runs, metric: 'empty-record', sets: [...TRIGGER_SETS, ...o.sets], quick: true, outDir: o.outDir, lab: o.lab, runtime: o.runtime, log: o.log, signal: o.signal });
  } finally {
    stopHog();
  }
  const runs: TriggerRun[] = [];
  for (let seed = 1; seed <= o.runs; seed++) {
    const f = join(o.outDir, 'runs', cellId({ safeguards: o.safeguards }), `seed-${seed}`, 'timeline.ndjson');
    if (existsSync(f) && existsSync(join(f, '..', 'summary.json'))) runs.push(triggerRun(seed, f));
  }
  const k = runs.filter((r) => r.emptied).length;
  const toEmpty = runs.map((r) => r.toEmptyMs).filter((x): x is number => x !== null);
  const reaction = runs.flatMap((r) => r.holdAfterCheckMs);
  const result: BenchTriggerResult = {
    scenario: 'us-east-1',
    quick: true,
    runtime: o.runtime ?? 'local',
    safeguards: o.safeguards,
    cpuHog: o.cpuHog,
    cores: (await import('node:os')).availableParallelism(),
    emptied: { k, n: runs.length, rate: wilson(k, runs.length) },
    toEmptyMs: { median: median(toEmpty), max: toEmpty.length ? Math.max(...toEmpty) : null },
    holdAfterCheckMs: { median: median(reaction), max: reaction.length ? Math.max(...reaction) : null },
    missed: runs.reduce((a, r) => a + r.missed, 0),
    gaveUp: runs.filter((r) => r.gaveUp !== null).length,
    runs,
    wallMs: Math.round(performance.now() - started),
  };
  writeFileSync(join(o.outDir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
