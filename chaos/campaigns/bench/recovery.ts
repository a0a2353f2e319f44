/**
 * `outage-lab bench recovery`: the same outage, load and seeds for every strategy; each run
 * measured against the capacity bound M / C. A strategy spec is a strategy name, optionally with
 * settings: `full-jitter` or `full-jitter:dwfm.concurrency=40,dynamodb.dropExpired=true`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import type { LabContext } from '../../../lab/lab.ts';
import type { RuntimeName } from '../../../lab/runtimes/index.ts';
import { STRATEGIES } from '../../../services/dwfm/strategies.ts';
import { runScenario, type RunSummary } from '../../run/runner.ts';
import { loadScenario } from '../../experiment/scenario.ts';

export interface StrategySpec {
  readonly label: string;
  readonly sets: string[];
}

export function parseStrategySpec(spec: string): StrategySpec {
  const [name, rest] = spec.split(':', 2) as [string, string | undefined];
  if (!(STRATEGIES as readonly string[]).includes(name)) {
    throw new InputError(`--strategies: "${name}" is not a strategy; use ${STRATEGIES.join(', ')} (optionally name:setting=value,…)`);
  }
  const extra = rest ? rest.split(',').filter(Boolean) : [];
  for (const e of extra) if (!e.includes('=')) throw new InputError(`--strategies ${spec}: "${e}" should be setting=value, e.g. dwfm.concurrency=40`);
  return { label: spec, sets: [`dwfm.strategy=${name}`, ...extra] };
}

export interface RunRow {
  readonly seed: number;
  readonly verdict: string;
  readonly status: string;
  readonly reestablishMs: number | null;
  readonly ratioToBound: number | null;
  readonly metastable: boolean;
  readonly recoveredAfterThrottle: boolean;
  readonly attempts: number;
  readonly amplification: number | null;
  readonly wastedItems: number;
  readonly wastedShare: number | null;
  readonly collapseMs: number;
  readonly ttrMs: number | null;
  readonly maxCores: number;
  readonly outDir: string;
}

const stats = (xs: readonly number[]) => {
  if (!xs.length) return { median: null, min: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, min: s[0]!, max: s.at(-1)! };
};

export interface BenchResult {
  readonly scenario: string;
  readonly leases: number;
  readonly capacityPerSec: number;
  readonly capacityBoundMs: number;
  readonly strategies: Record<
    string,
    {
      readonly runs: RunRow[];
      readonly reestablishMs: { median: number | null; min: number | null; max: number | null };
      readonly ratioToBound: { median: number | null };
      readonly recovered: number;
      readonly metastable: number;
      readonly amplification: { median: number | null };
    }
  >;
  readonly wallMs: number;
}

export async function benchRecovery(opts: {
  readonly specs: readonly StrategySpec[];
  readonly repeat: number;
  readonly leases?: number;
  readonly sets: readonly string[];
  readonly outDir: string;
  readonly lab: LabContext;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly runtime?: RuntimeName;
}): Promise<BenchResult> {
  const started = performance.now();
  const base = [...opts.sets, ...(opts.leases ? [`dwfm.droplets=${opts.leases}`] : [])];
  // Validate every spec before the first run starts.
  for (const spec of opts.specs) loadScenario('herd', [...base, ...spec.sets]);
  const strategies: BenchResult['strategies'] = {};
  let bound = 0;
  let capacity = 0;
  let leases = 0;
  for (const spec of opts.specs) {
    const runs: RunRow[] = [];
    for (let seed = 1; seed <= opts.repeat && !opts.signal?.aborted; seed++) {
      const scenario = loadScenario('herd', [...base, ...spec.sets]);
      const outDir = join(opts.outDir, 'runs', `${spec.label.replace(/[^a-z0-9.=-]+/gi, '_')}-seed${seed}`);
      opts.log(`${spec.label}: run ${seed}/${opts.repeat}…`);
      const s: RunSummary = await runScenario(scenario, { seed, outDir, lab: opts.lab, log: () => {}, signal: opts.signal, runtime: opts.runtime });
      bound = s.capacityBoundMs;
      capacity = s.herd.capacityPerSec;
      leases = s.leases.total;
      const row: RunRow = {
        seed,
        verdict: s.verdict,
        status: s.status,
        reestablishMs: s.leases.reestablishMs,
        ratioToBound: s.leases.reestablishMs === null ? null : Math.round((s.leases.reestablishMs / s.capacityBoundMs) * 100) / 100,
        metastable: s.metastable,
        recoveredAfterThrottle: s.leases.recoveredAfterThrottle,
        attempts: s.leases.attempts,
        amplification: s.leases.amplification,
        wastedItems: s.herd.wasted.items,
        wastedShare: s.herd.wasted.share,
        collapseMs: s.herd.collapseMs,
        ttrMs: s.recovery.ttrMs,
        maxCores: s.herd.cpu.maxCoresInASecond,
        outDir,
      };
      runs.push(row);
      opts.log(
        `${spec.label}: seed ${seed}: re-established in ${row.reestablishMs ?? '—'} ms (${row.ratioToBound ?? '—'} × bound)${row.metastable ? ', METASTABLE' : ''}${row.recoveredAfterThrottle ? ', after the throttle' : ''}, amplification ${row.amplification ?? '—'}`,
      );
    }
    const done = runs.map((r) => r.reestablishMs).filter((x): x is number => x !== null);
    strategies[spec.label] = {
      runs,
      reestablishMs: stats(done),
      ratioToBound: { median: stats(runs.map((r) => r.ratioToBound).filter((x): x is number => x !== null)).median },
      recovered: done.length,
      metastable: runs.filter((r) => r.metastable).length,
      amplification: { median: stats(runs.map((r) => r.amplification).filter((x): x is number => x !== null)).median },
    };
  }
  const result: BenchResult = { scenario: 'herd', leases, capacityPerSec: capacity, capacityBoundMs: bound, strategies, wallMs: Math.round(performance.now() - started) };
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
