/**
 * `outage-lab sweep`: a scenario over a grid of settings, every cell run N times on fresh labs
 * (seeds 1..N), one metric read from each run's summary; rates with 95 % Wilson intervals,
 * medians, classes, and the analytic prediction beside each cell. Resumable: every finished run
 * keeps its folder (runs/<cell>/seed-<n>/summary.json) and is not run again; sweep.json is
 * rewritten after every run, so an interrupted sweep still shows what it measured.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import type { LabContext } from '../../../lab/lab.ts';
import type { RuntimeName } from '../../../lab/runtimes/index.ts';
import { jsonReporter } from '../../reporters/json.ts';
import { runScenario } from '../../run/pipeline.ts';
import type { RunSummary } from '../../run/journal.ts';
import { loadScenario, type Scenario } from '../../experiment/scenario.ts';
import { withServiceSets, type ServiceSpec } from '../../../user-services/service-file.ts';
import { cellId, cellLabel, cells as allCells, cellServiceSets, cellSets, type Cell, type Grid } from './grid.ts';
import { metricByName, type Metric, type MetricValue } from './metrics/index.ts';
import { predict, type Prediction } from './predictions/index.ts';
import { median, wilson, type Rate } from './stats.ts';

export interface SweepCell {
  readonly params: Cell;
  readonly runs: number;
  readonly values: MetricValue[];
  readonly rate: Rate | null;
  readonly median: number | null;
  /** For class metrics: runs per class. */
  readonly classes?: Record<string, number>;
  readonly prediction: Prediction | null;
  /** Median wall time of one run of this cell. */
  readonly costMs: number | null;
}

export interface SweepResult {
  readonly scenario: string;
  readonly metric: string;
  readonly metricDescription: string;
  readonly kind: Metric['kind'];
  readonly grid: Grid;
  readonly repeat: number;
  readonly sets: readonly string[];
  readonly quick: boolean;
  readonly cells: SweepCell[];
  readonly complete: boolean;
  /** Wall time of this invocation (a resumed sweep counts only what it ran). */
  readonly wallMs: number;
  /** Wall time of every run, summed over the whole sweep (resumed parts included). */
  readonly runsMs: number;
}

/** One run of a sweep: a cell's scenario with one seed, and the folder its summary goes to. */
export interface SweepRun {
  readonly index: number;
  readonly cell: Cell;
  readonly seed: number;
  readonly scenario: Scenario;
  /** The user's service in this run (`--service`), with the cell's `service.*` settings. */
  readonly service?: ServiceSpec;
  readonly dir: string;
}

/**
 * What carries out a sweep's runs: the local executor runs them one after another on this machine;
 * another (the Kubernetes Indexed Job, kubernetes/jobs/) runs them elsewhere. Either writes each
 * run's summary.json into its folder and calls `record` as it finishes.
 */
export type SweepExecutor = (runs: readonly SweepRun[], record: (run: SweepRun, summary: RunSummary, ms: number) => void) => Promise<void>;

export interface SweepOptions {
  readonly scenario: string;
  readonly grid: Grid;
  readonly repeat: number;
  readonly metric?: string;
  readonly sets: readonly string[];
  readonly quick: boolean;
  readonly outDir: string;
  readonly lab: LabContext;
  readonly runtime?: RuntimeName;
  /** A user's service put through every run (`--service`); `service.*` grid keys set its file. */
  readonly service?: ServiceSpec;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Default: the local executor, one run after another on this machine. */
  readonly executor?: SweepExecutor;
}

interface Plan {
  readonly quick: boolean;
  readonly scenario: string;
  readonly grid: Grid;
  readonly repeat: number;
  readonly metric: string;
  readonly sets: readonly string[];
  /** The service file put through every run, if any. */
  readonly service?: string;
}

function aggregate(metric: Metric, values: MetricValue[]): Pick<SweepCell, 'rate' | 'median' | 'classes'> {
  if (metric.kind === 'rate') {
    const known = values.filter((v): v is boolean => typeof v === 'boolean');
    return { rate: wilson(known.filter(Boolean).length, known.length), median: null };
  }
  if (metric.kind === 'number') return { rate: null, median: median(values.filter((v): v is number => typeof v === 'number')) };
  const classes: Record<string, number> = Object.fromEntries((metric.classes ?? []).map((c) => [c, 0]));
  for (const v of values) if (typeof v === 'string') classes[v] = (classes[v] ?? 0) + 1;
  return { rate: null, median: null, classes };
}

/** A cell's service: the file with the cell's `service.*` settings; such keys without --service are refused. */
function cellService(service: ServiceSpec | undefined, cell: Cell): ServiceSpec | undefined {
  const sets = cellServiceSets(cell);
  if (sets.length && !service) throw new InputError(`--grid ${sets[0]![0]}: service.* keys set a service file: give it with --service FILE`);
  return service && withServiceSets(service, sets);
}

/** Every run of a sweep (each cell's scenario validated), as an executor would get them from scratch. */
export function planSweep(opts: Pick<SweepOptions, 'scenario' | 'grid' | 'repeat' | 'sets' | 'quick' | 'outDir' | 'service'>): SweepRun[] {
  const list = allCells(opts.grid);
  return list.flatMap((cell, index) => {
    const scenario = loadScenario(opts.scenario, [...opts.sets, ...cellSets(cell)], { quick: opts.quick });
    const service = cellService(opts.service, cell);
    return Array.from({ length: opts.repeat }, (_, k) => ({ index, cell, seed: k + 1, scenario, ...(service ? { service } : {}), dir: join(opts.outDir, 'runs', cellId(cell), `seed-${k + 1}`) }));
  });
}

/** Runs one after another on this machine, each on a fresh lab; an interrupt stops after the current run (whose folder is removed). */
function localExecutor(opts: SweepOptions): SweepExecutor {
  return async (runs, record) => {
    for (const run of runs) {
      if (opts.signal?.aborted) return;
      rmSync(run.dir, { recursive: true, force: true }); // an unfinished run from an interrupted sweep
      const t0 = performance.now();
      const s = await runScenario(run.scenario, { seed: run.seed, outDir: run.dir, lab: opts.lab, log: () => {}, signal: opts.signal, runtime: opts.runtime, reporters: [jsonReporter], ...(run.service ? { services: [run.service] } : {}) });
      if (s.status === 'interrupted') {
        rmSync(run.dir, { recursive: true, force: true });
        return;
      }
      record(run, s, performance.now() - t0);
    }
  };
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const started = performance.now();
  const base = loadScenario(opts.scenario, opts.sets, { quick: opts.quick });
  const metric = metricByName(opts.metric ?? (opts.service ? 'service-metastable' : (await import('./metrics/index.ts')).DEFAULT_METRIC[base.name] ?? 'empty-record'));
  const grid = opts.grid;
  const list = allCells(grid);
  // Validate every cell before the first lab starts.
  const scenarios = list.map((c) => loadScenario(opts.scenario, [...opts.sets, ...cellSets(c)], { quick: opts.quick }));
  const services = list.map((c) => cellService(opts.service, c));

  const plan: Plan = { scenario: opts.scenario, grid, repeat: opts.repeat, metric: metric.name, sets: opts.sets, quick: opts.quick, ...(opts.service ? { service: opts.service.file } : {}) };
  const planFile = join(opts.outDir, 'sweep-plan.json');
  if (existsSync(planFile)) {
    const previous = readFileSync(planFile, 'utf8');
    if (previous !== JSON.stringify(plan, null, 2)) {
      throw new InputError(`--out ${opts.outDir} holds a different sweep (${planFile}): give the same scenario, --grid, --repeat, --metric and --set to resume it, or another folder`);
    }
    opts.log(`resuming the sweep in ${opts.outDir}`);
  }
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(planFile, JSON.stringify(plan, null, 2));

  const summaries: (RunSummary | undefined)[][] = list.map(() => Array.from({ length: opts.repeat }, () => undefined));
  const costs: number[][] = list.map(() => []);
  const runDir = (i: number, seed: number) => join(opts.outDir, 'runs', cellId(list[i]!), `seed-${seed}`);
  for (const [i] of list.entries()) {
    for (let seed = 1; seed <= opts.repeat; seed++) {
      const f = join(runDir(i, seed), 'summary.json');
      if (!existsSync(f)) continue;
      const s = JSON.parse(readFileSync(f, 'utf8')) as RunSummary;
      if (s.status === 'completed') {
        summaries[i]![seed - 1] = s;
        const wall = join(runDir(i, seed), 'wall-ms');
        costs[i]!.push(existsSync(wall) ? Number(readFileSync(wall, 'utf8')) : s.durationMs);
      }
    }
  }

  const result = (): SweepResult => ({
    scenario: base.name,
    metric: metric.name,
    metricDescription: metric.description,
    kind: metric.kind,
    grid,
    repeat: opts.repeat,
    sets: opts.sets,
    quick: opts.quick,
    cells: list.map((params, i) => {
      const done = summaries[i]!.filter((s): s is RunSummary => s !== undefined);
      const values = done.map((s) => metric.value(s));
      return { params, runs: done.length, values, ...aggregate(metric, values), prediction: predict(scenarios[i]!, metric.name, done), costMs: median(costs[i]!) };
    }),
    complete: summaries.every((row) => row.every(Boolean)),
    wallMs: Math.round(performance.now() - started),
    runsMs: Math.round(costs.flat().reduce((a, b) => a + b, 0)),
  });
  const save = () => writeFileSync(join(opts.outDir, 'sweep.json'), `${JSON.stringify(result(), null, 2)}\n`);

  const total = list.length * opts.repeat;
  let done = summaries.flat().filter(Boolean).length;
  const runTimes: number[] = [];
  if (done) opts.log(`${done} of ${total} runs already done`);
  const pending: SweepRun[] = [];
  for (const [i, cell] of list.entries()) {
    for (let seed = 1; seed <= opts.repeat; seed++) if (!summaries[i]![seed - 1]) pending.push({ index: i, cell, seed, scenario: scenarios[i]!, ...(services[i] ? { service: services[i] } : {}), dir: runDir(i, seed) });
  }
  const record = (run: SweepRun, s: RunSummary, ms: number) => {
    runTimes.push(ms);
    writeFileSync(join(run.dir, 'wall-ms'), String(Math.round(ms)));
    if (s.status === 'completed') {
      summaries[run.index]![run.seed - 1] = s;
      costs[run.index]!.push(ms);
    }
    done++;
    save();
    const left = total - done;
    const eta = left * (runTimes.reduce((a, b) => a + b, 0) / runTimes.length);
    opts.log(
      `cell ${run.index + 1}/${list.length} (${cellLabel(run.cell)}) run ${run.seed}/${opts.repeat}: ${JSON.stringify(metric.value(s))}${s.status !== 'completed' ? ` (${s.status}: not counted)` : ''} — ${(ms / 1000).toFixed(1)} s; ${done}/${total} done, about ${Math.ceil(eta / 60_000)} min left`,
    );
  };
  await (opts.executor ?? localExecutor(opts))(pending, record);
  save();
  return result();
}
