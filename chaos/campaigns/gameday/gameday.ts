/**
 * `outage-lab gameday`: the us-east-1 arc once per arm, back to back on fresh labs with the same
 * seed and load, live progress while it goes, then the comparison, the optional regression gate
 * and every report. A pipeline: validate everything → run each arm → compare → gate → report.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import type { LabContext } from '../../../lab/lab.ts';
import type { RuntimeName } from '../../../lab/runtimes/index.ts';
import type { LoadGenerator } from '../../../loadtests/k6.ts';
import { gamedayVerdict } from '../../reporters/markdown.ts';
import type { GamedayReport, Reporter, RunResult } from '../../reporters/reporter.ts';
import type { ServiceSpec } from '../../../user-services/service-file.ts';
import { runScenarioWithHistory } from '../../run/pipeline.ts';
import { loadScenario, type Scenario } from '../../experiment/scenario.ts';
import { ARMS, ARM_NAMES, type ArmDef } from './arms.ts';
import { compare } from './comparison.ts';
import { gate, readBaseline, type GateResult } from './gate.ts';

export const GAMEDAY_SCENARIO = 'us-east-1';

/** An arm to run: its definition, its scenario, its folder and what the live display expects. */
export interface ArmRun {
  readonly arm: ArmDef;
  readonly scenario: Scenario;
  readonly outDir: string;
  readonly expectedMs: number;
}

/**
 * What carries out the arms: the local executor runs them back to back on this machine; another
 * (a Kubernetes Indexed Job, kubernetes/jobs/) runs them as shards. Either returns each finished
 * arm's RunResult (its summary and history) in order, stopping at an interrupted one.
 */
export type ArmExecutor = (arms: readonly ArmRun[]) => Promise<RunResult[]>;

export interface GamedayOptions {
  readonly arms: readonly string[];
  readonly quick: boolean;
  readonly seed: number;
  readonly outDir: string;
  /** Point reports/latest at outDir (when it is a reports/<timestamp> folder). */
  readonly latestLink?: string;
  readonly baseline?: string;
  readonly sets: readonly string[];
  readonly reporters: readonly Reporter[];
  /** Live reporters (the progress display), fed every arm's events. */
  readonly live: readonly Reporter[];
  readonly lab: LabContext;
  readonly runtime?: RuntimeName;
  readonly load?: LoadGenerator;
  /** Every arm's lab runs its monitoring too (--monitoring prometheus). */
  readonly monitoring?: boolean;
  /** Users' services put through every arm (`--service`), each on the arm's fresh lab. */
  readonly services?: readonly ServiceSpec[];
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** "arm 2/4", for the live display. */
  readonly onArm?: (index: number, of: number) => void;
  /** Default: the local executor. */
  readonly executor?: ArmExecutor;
  /** Where the arms run, for the log (default: the runtime on this machine). */
  readonly where?: string;
}

export interface GamedayOutcome {
  readonly report: GamedayReport;
  readonly files: string[];
  readonly verdict: 'pass' | 'fail';
  readonly interrupted: boolean;
}

/** The scenario an arm runs: the game day's scenario with the arm's (and --quick's) settings. */
export function armScenario(arm: ArmDef, opts: { quick: boolean; sets: readonly string[] }): Scenario {
  const base = loadScenario(GAMEDAY_SCENARIO, [...arm.sets, ...opts.sets], { quick: opts.quick });
  const stopAfter = arm.stopAfterDnsRestoredMs?.[opts.quick ? 'quick' : 'full'];
  return {
    ...base,
    operator: base.operator.filter((a) => !arm.withoutOperator.includes(a.action)),
    checks: [...arm.checks],
    stop:
      stopAfter === undefined
        ? base.stop
        : { ...base.stop, afterEvents: [...base.stop.afterEvents, { event: 'route53.record.restored', match: { regional: true }, delayMs: stopAfter }] },
  };
}

export function resolveArms(names: readonly string[]): ArmDef[] {
  const seen = new Set<string>();
  return names.map((n) => {
    const arm = ARMS.find((a) => a.name === n);
    if (!arm) throw new InputError(`--arms: "${n}" is not an arm; arms are ${ARM_NAMES.join(', ')}`);
    if (seen.has(n)) throw new InputError(`--arms: "${n}" is listed twice`);
    seen.add(n);
    return arm;
  });
}

/** One line on how an arm went. */
export function armLine(run: RunResult): string {
  const s = run.summary;
  return `arm ${run.name}: ${s.verdict.toUpperCase()} (${s.status}) — ${s.metastable ? 'metastable, ' : ''}recovered by ${s.recoveredBy ?? 'nothing'}, time to recover ${s.recovery.ttrMs ?? '—'} ms, re-established in ${s.leases.reestablishMs ?? '—'} ms`;
}

/** The arms back to back on fresh labs on this machine, with the live display. */
function localArms(opts: GamedayOptions): ArmExecutor {
  return async (planned) => {
    const runs: RunResult[] = [];
    for (const [i, p] of planned.entries()) {
      if (opts.signal?.aborted) break;
      opts.onArm?.(i + 1, planned.length);
      opts.log(`arm ${i + 1}/${planned.length}: ${p.arm.name} — ${p.arm.description}`);
      const run = await runScenarioWithHistory(p.scenario, {
        seed: opts.seed,
        outDir: p.outDir,
        lab: opts.lab,
        log: () => {},
        signal: opts.signal,
        runtime: opts.runtime,
        load: opts.load,
        monitoring: opts.monitoring,
        services: opts.services,
        reporters: [...opts.live, ...opts.reporters],
        label: p.arm.name,
        expectedMs: p.expectedMs,
      });
      runs.push(run);
      opts.log(armLine(run));
      if (run.summary.status === 'interrupted') break;
    }
    return runs;
  };
}

export async function runGameday(opts: GamedayOptions): Promise<GamedayOutcome> {
  // Validate everything before the first lab starts.
  const arms = resolveArms(opts.arms);
  const scenarios = arms.map((a) => armScenario(a, opts));
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
  if (existsSync(opts.outDir) && readdirSync(opts.outDir).length > 0) {
    throw new InputError(`--out ${opts.outDir} is not empty: choose a new folder; game days are never overwritten or mixed`);
  }
  mkdirSync(opts.outDir, { recursive: true });
  opts.log(`game day${opts.quick ? ' (quick)' : ''}: arms ${arms.map((a) => a.name).join(', ')}; seed ${opts.seed}; ${opts.where ?? `${opts.runtime ?? 'local'} runtime`} → ${opts.outDir}`);

  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const planned: ArmRun[] = arms.map((arm, i) => ({ arm, scenario: scenarios[i]!, outDir: join(opts.outDir, 'arms', arm.name), expectedMs: arm.expectedMs[opts.quick ? 'quick' : 'full'] }));
  const runs = await (opts.executor ?? localArms(opts))(planned);
  const runDirs = planned.slice(0, runs.length).map((p) => relative(opts.outDir, p.outDir));
  if (runs.length === 0) throw new InputError('interrupted before the first arm finished: nothing to report');

  const done = arms.slice(0, runs.length);
  const comparison = compare({ scenario: GAMEDAY_SCENARIO, seed: opts.seed, quick: opts.quick, arms: done, runs, runDirs, durationMs: Date.now() - started });
  const gateResult: GateResult | null = baseline ? gate(comparison, baseline, opts.baseline!) : null;
  const report: GamedayReport = {
    scenario: GAMEDAY_SCENARIO,
    seed: opts.seed,
    quick: opts.quick,
    startedAt,
    durationMs: Date.now() - started,
    outDir: opts.outDir,
    arms: done,
    runs,
    comparison,
    gate: gateResult,
  };
  const files: string[] = [];
  for (const r of opts.reporters) if (r.onGamedayFinished) files.push(...(await r.onGamedayFinished(report)));
  if (opts.latestLink && dirname(opts.latestLink) === dirname(opts.outDir)) {
    rmSync(opts.latestLink, { force: true });
    symlinkSync(basename(opts.outDir), opts.latestLink);
  }
  const interrupted = runs.length < arms.length || runs.some((r) => r.summary.status === 'interrupted');
  return { report, files, verdict: interrupted ? 'fail' : gamedayVerdict(report), interrupted };
}
