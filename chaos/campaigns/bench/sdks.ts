/**
 * `outage-lab bench sdks`: services in several languages, each with the AWS SDK it ships, under
 * several retry configurations (user-services/sdk-retry/configurations.ts), each over a row of
 * loads (and outage lengths) through the same outage, N seeds a cell. Per row: the highest load
 * that still recovered by itself and the lowest that stayed down (the boundary's bracket), the
 * boundary the analytic prediction gives (ρ × k × n = 1), and at the load nearest ρ = 0.8 the
 * DynamoDB calls per request while recovering (the amplification) and the time to recover.
 *
 * Each (service, configuration) is one sweep (runSweep) in its own folder, so an interrupted bench
 * resumes where it stopped and every run keeps its summary; data flows one way: runs → summaries →
 * points → rows → bench-sdks.json and bench-sdks.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import type { LabContext } from '../../../lab/lab.ts';
import type { RunSummary } from '../../run/journal.ts';
import { loadScenario, splitSets } from '../../experiment/scenario.ts';
import { withServiceSets, type ServiceSpec } from '../../../user-services/service-file.ts';
import { RETRY_CONFIGURATION_NAMES, retryConfiguration } from '../../../user-services/sdk-retry/configurations.ts';
import { retryPolicyOf, sdkRetryOf, type RetryPolicy } from '../../../user-services/sdk-retry/index.ts';
import { cellId, cells as allCells } from '../sweep/grid.ts';
import { runSweep } from '../sweep/sweep.ts';
import { meanInterval, median, wilson, type Rate } from '../sweep/stats.ts';
import { boundaryOf, describeBoundary, type Boundary, type LoadPoint } from './boundary.ts';
import { serviceRunRow, type ServiceRunRow } from './service.ts';

/** The scenario path that sets how long the record stays empty (us-east-1's restore-dns delay after the canary's alert). */
export const OUTAGE_KEY = 'operator.0.when.delayMs';
/** Where amplification and time to recover are read: the load nearest this ρ. */
export const REFERENCE_RHO = 0.8;

export interface SdkPoint extends LoadPoint {
  readonly load: number;
  readonly rate: Rate | null;
  readonly ttrMs: number | null;
  readonly recoveringCallsPerRequest: number | null;
  /** Median ms from DNS's restoration to the service's first call reaching the table (null: not in these summaries). */
  readonly firstCallMs: number | null;
  readonly runs: number;
}

export interface SdkRow {
  readonly service: string;
  readonly language: string;
  readonly sdk: string;
  readonly configuration: string;
  readonly description: string;
  /** What the configuration sets in the service file. */
  readonly sets: Record<string, unknown>;
  readonly policy: RetryPolicy | null;
  /** The outage's length: how long after the canary's alert DNS is restored. */
  readonly outageMs: number;
  /** Another row with the same code and settings (not run twice), or why this one does not apply. */
  readonly sameAs: string | null;
  readonly notApplicable: string | null;
  readonly points: SdkPoint[];
  readonly boundary: Boundary;
  /** ρ = 1 / (k × n) from the configuration's retries (null without a prediction). */
  readonly predictedBoundary: number | null;
  /** Why there is no predicted boundary although there is a prediction: a throughput limit under the table's capacity (null: none). */
  readonly predictedNote: string | null;
  /** The predicted boundary lies in the measured bracket. */
  readonly agrees: boolean | null;
  /** At the load nearest ρ = 0.8: DynamoDB calls per request while recovering (mean over the seeds). */
  readonly amplification: number | null;
  /** …and the median time to recover of the runs that did (null: none did). */
  readonly ttrMs: number | null;
  readonly atRho: number | null;
  readonly update2026: string | null;
}

/** What the 2026 update changed for one service and outage: the runs before it against after, load by load. */
export interface Update2026Effect {
  readonly service: string;
  readonly language: string;
  readonly outageMs: number;
  readonly before: { readonly configuration: string; readonly boundary: Boundary };
  readonly after: { readonly configuration: string; readonly boundary: Boundary };
  /** Loads measured both ways: stayed down before and after, each with its Wilson interval. */
  readonly loads: { readonly load: number; readonly rho: number; readonly before: Pick<SdkPoint, 'metastable' | 'runs' | 'rate' | 'ttrMs'>; readonly after: Pick<SdkPoint, 'metastable' | 'runs' | 'rate' | 'ttrMs'> }[];
  /** better: stays down less often after it (intervals apart, pooled over the loads that moved that way); worse: more often; none: neither; unclear: both. */
  readonly change: 'better' | 'worse' | 'none' | 'unclear';
}

/**
 * The update's effect per service and outage, from the rows of `default` (the SDK as shipped,
 * with the 2026 rules) and `default-before-2026`, at the loads both have: better (or worse) where
 * the runs of the loads that stayed down less (more) often after it, pooled, have Wilson
 * intervals that do not overlap.
 */
export function update2026Effects(rows: readonly SdkRow[]): Update2026Effect[] {
  const out: Update2026Effect[] = [];
  for (const after of rows.filter((r) => r.configuration === 'default' && r.points.length)) {
    const before = rows.find((r) => r.configuration === 'default-before-2026' && r.service === after.service && r.outageMs === after.outageMs && r.points.length);
    if (!before) continue;
    const pick = (p: SdkPoint) => ({ metastable: p.metastable, runs: p.runs, rate: p.rate, ttrMs: p.ttrMs });
    const loads = after.points.flatMap((a) => {
      const b = before.points.find((x) => x.load === a.load);
      return b ? [{ load: a.load, rho: a.rho, before: pick(b), after: pick(a) }] : [];
    });
    if (!loads.length) continue;
    // Three seeds a load cannot part 0 of 3 from 3 of 3 ([0–0.56] against [0.44–1]): the runs are
    // pooled over the loads that moved one way, and that way counts where the pooled intervals part.
    const share = (p: { metastable: number; runs: number }) => p.metastable / p.runs;
    const moved = (sign: number) => {
      const ls = loads.filter((l) => Math.sign(share(l.after) - share(l.before)) === sign);
      const sum = (k: 'before' | 'after', f: 'metastable' | 'runs') => ls.reduce((a, l) => a + l[k][f], 0);
      const b = wilson(sum('before', 'metastable'), sum('before', 'runs'));
      const a = wilson(sum('after', 'metastable'), sum('after', 'runs'));
      return b !== null && a !== null && (a.high < b.low || b.high < a.low);
    };
    const better = moved(-1);
    const worse = moved(1);
    out.push({ service: after.service, language: after.language, outageMs: after.outageMs, before: { configuration: before.sameAs ? `${before.configuration} (= ${before.sameAs})` : before.configuration, boundary: before.boundary }, after: { configuration: after.configuration, boundary: after.boundary }, loads, change: better && worse ? 'unclear' : better ? 'better' : worse ? 'worse' : 'none' });
  }
  return out;
}

export interface SdksBenchResult {
  readonly scenario: string;
  readonly quick: true;
  readonly loads: readonly number[];
  readonly outagesMs: readonly number[];
  readonly repeat: number;
  /** The bench's `--set` assignments, for every run (empty: none). */
  readonly sets: readonly string[];
  readonly rows: SdkRow[];
  /** The 2026 update's effect per service and outage (where both its rows were measured). */
  readonly update2026: Update2026Effect[];
  readonly wallMs: number;
  /** Rebuilt from runs already on disk (`--report-only`): wallMs is the rebuild's, not the runs'. */
  readonly reportOnly?: boolean;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The points of one (service, configuration, outage) row from its runs' summaries. */
export function pointsOf(loads: readonly number[], runsAt: (load: number) => readonly ServiceRunRow[], rhoAt: (load: number) => readonly number[]): SdkPoint[] {
  return loads.flatMap((load) => {
    const runs = runsAt(load).filter((r) => r.verdict !== 'no-trigger' && r.verdict !== 'exited' && r.verdict !== 'cut-short');
    const rhos = rhoAt(load);
    if (!runs.length || !rhos.length) return [];
    const metastable = runs.filter((r) => r.metastable).length;
    const calls = meanInterval(runs.map((r) => r.recoveringCallsPerRequest).filter((x): x is number => x !== null));
    return [{ load, rho: r2(rhos.reduce((a, b) => a + b, 0) / rhos.length), metastable, runs: runs.length, rate: wilson(metastable, runs.length), ttrMs: median(runs.map((r) => r.ttrMs).filter((x): x is number => x !== null)), recoveringCallsPerRequest: calls ? r2(calls.mean) : null, firstCallMs: median(runs.map((r) => r.firstCallMs).filter((x): x is number => x !== null)) }];
  });
}

/** Does the prediction fall in the measured bracket (low, high]? Open ends count as unbounded. */
export function predictionAgrees(b: Boundary, predicted: number | null): boolean | null {
  if (predicted === null || (b.low === null && b.high === null)) return null;
  return (b.low === null || predicted > b.low) && (b.high === null || predicted <= b.high);
}

export interface SdksBenchOptions {
  readonly services: readonly ServiceSpec[];
  readonly configurations: readonly string[];
  readonly loads: readonly number[];
  readonly outagesMs: readonly number[];
  readonly repeat: number;
  readonly scenario: string;
  /**
   * `--set key=value` for every run: `service.*` keys set every service file before its
   * configuration does (`service.tables.0.provisioned={…}`), the others set the scenario
   * (`faults.1.durationMs=12000`).
   */
  readonly sets?: readonly string[];
  readonly outDir: string;
  readonly lab: LabContext;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Run nothing: the rows from the runs already in outDir (several benches' folders merged, say). */
  readonly reportOnly?: boolean;
}

/** `--set` assignments split (scenario.ts `splitSets`), refusing the keys this bench's own flags set. */
export function splitSdksSets(sets: readonly string[]): ReturnType<typeof splitSets> {
  return splitSets(sets, { 'service.load': 'the loads are --loads', [OUTAGE_KEY]: 'the outage lengths are --outages' });
}

/** Every configuration resolved against every service, checked before the first lab starts. */
function plan(o: SdksBenchOptions, sets: ReturnType<typeof splitSdksSets>) {
  const base = loadScenario(o.scenario, sets.scenario, { quick: true });
  const restore = base.operator[0];
  if (restore?.action !== 'restore-dns') throw new InputError(`--scenario ${o.scenario}: its first operator action is ${restore?.action ?? 'missing'}, not restore-dns; --outages sets that action's delay (${OUTAGE_KEY})`);
  for (const ms of o.outagesMs) loadScenario(o.scenario, [...sets.scenario, `${OUTAGE_KEY}=${ms}`], { quick: true });
  return o.services.map((file) => withServiceSets(file, sets.service, '--set')).flatMap((svc) =>
    o.configurations.map((name) => {
      const conf = retryConfiguration(name);
      if (!conf) throw new InputError(`--configurations: no configuration "${name}"; the lab has ${RETRY_CONFIGURATION_NAMES.join(', ')}`);
      const sets = conf.sets(svc);
      const spec = 'notApplicable' in sets ? null : withServiceSets(svc, sets);
      // The same code as another configuration of this bench: read from that one's runs (not when it is not run here).
      const same = spec ? (conf.sameAs?.(svc) ?? null) : null;
      return { svc, conf, sets: 'notApplicable' in sets ? [] : sets, notApplicable: 'notApplicable' in sets ? sets.notApplicable : null, sameAs: same !== null && o.configurations.includes(same) ? same : null, spec };
    }),
  );
}

export async function benchSdks(o: SdksBenchOptions): Promise<SdksBenchResult> {
  const started = performance.now();
  const sets = splitSdksSets(o.sets ?? []);
  const jobs = plan(o, sets);
  const grid = { 'service.load': [...o.loads], [OUTAGE_KEY]: [...o.outagesMs] };
  const torun = jobs.filter((j) => j.spec && !j.sameAs);
  if (!o.reportOnly) o.log(`${torun.length} service × configuration rows to run (${jobs.length - torun.length} not applicable or the same as another), each ${o.loads.length} load(s) × ${o.outagesMs.length} outage length(s) × ${o.repeat} seed(s)`);
  const dirOf = (svc: ServiceSpec, conf: string) => join(o.outDir, `${svc.name}-${conf}`);
  for (const [i, j] of torun.entries()) {
    if (o.signal?.aborted || o.reportOnly) break;
    const tag = `[${i + 1}/${torun.length}] ${j.svc.name} ${j.conf.name}`;
    await runSweep({ scenario: o.scenario, grid, repeat: o.repeat, metric: 'service-metastable', sets: sets.scenario, quick: true, outDir: dirOf(j.svc, j.conf.name), lab: o.lab, service: j.spec!, log: (l) => o.log(`${tag}: ${l}`), ...(o.signal ? { signal: o.signal } : {}) });
  }

  const rows: SdkRow[] = [];
  for (const j of jobs) {
    const source = j.sameAs ?? j.conf.name;
    for (const outageMs of o.outagesMs) {
      const summaries = (load: number): RunSummary[] => {
        const cell = allCells(grid).find((c) => c['service.load'] === load && c[OUTAGE_KEY] === outageMs)!;
        return Array.from({ length: o.repeat }, (_, k) => join(dirOf(j.svc, source), 'runs', cellId(cell), `seed-${k + 1}`, 'summary.json'))
          .filter((f) => existsSync(f))
          .map((f) => JSON.parse(readFileSync(f, 'utf8')) as RunSummary)
          .filter((s) => s.status === 'completed');
      };
      // Each load's runs of this service, read once.
      const figures = new Map(o.loads.map((l) => [l, summaries(l).flatMap((s) => s.services.filter((x) => x.name === j.svc.name).map((svc) => ({ s, svc })))]));
      const points = j.notApplicable
        ? []
        : pointsOf(
            o.loads,
            (load) => figures.get(load)!.map(({ s, svc }) => serviceRunRow(s.seed, svc, s.outDir)),
            (load) => figures.get(load)!.flatMap(({ svc }) => (svc.prediction ? [svc.prediction.rho] : [])),
          );
      const prediction = [...figures.values()].flat().flatMap(({ svc }) => svc.prediction ?? [])[0];
      // A throughput limit under the table's capacity admits less than it once the burst is spent: no load stays down.
      const limited = prediction?.admitted !== null && prediction?.admitted !== undefined;
      const predictedBoundary = prediction && !limited ? r2(1 / (prediction.callerAttempts * prediction.callsPerAttempt)) : null;
      const boundary = boundaryOf(points);
      const ref = points.length ? points.reduce((a, b) => (Math.abs(b.rho - REFERENCE_RHO) < Math.abs(a.rho - REFERENCE_RHO) ? b : a)) : null;
      const spec = j.spec ?? j.svc;
      rows.push({
        service: j.svc.name,
        language: j.svc.language,
        sdk: `${j.svc.sdk.name} ${j.svc.sdk.version}`,
        configuration: j.conf.name,
        description: j.conf.description,
        sets: Object.fromEntries(j.sets),
        policy: j.notApplicable ? null : retryPolicyOf(spec),
        outageMs,
        sameAs: j.sameAs,
        notApplicable: j.notApplicable,
        points,
        boundary,
        predictedBoundary,
        predictedNote: limited ? `none: its throughput limit admits ${prediction!.admitted} of capacity` : null,
        agrees: predictionAgrees(boundary, limited ? Infinity : predictedBoundary),
        amplification: ref?.recoveringCallsPerRequest ?? null,
        ttrMs: ref?.ttrMs ?? null,
        atRho: ref?.rho ?? null,
        update2026: sdkRetryOf(j.svc.sdk.name)?.update2026 ?? null,
      });
    }
  }
  const result: SdksBenchResult = { scenario: o.scenario, quick: true, loads: o.loads, outagesMs: o.outagesMs, repeat: o.repeat, sets: [...(o.sets ?? [])], rows, update2026: update2026Effects(rows), wallMs: Math.round(performance.now() - started), ...(o.reportOnly ? { reportOnly: true } : {}) };
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'bench-sdks.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(o.outDir, 'bench-sdks.md'), renderSdksBench(result));
  return result;
}

const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The table people read: one line per row, then each row's loads. */
export function renderSdksBench(r: SdksBenchResult): string {
  const lines = [
    `# bench sdks: ${r.scenario} --quick`,
    '',
    `Loads ${r.loads.join(', ')} (× each file's request rates), outage ${r.outagesMs.map((ms) => `${ms / 1000} s`).join(' and ')} from the alert to DNS's restoration, ${r.repeat} seed(s) a cell. The boundary is the bracket between the highest measured ρ that recovered (most of its runs) and the lowest that stayed down; amplification (DynamoDB calls per request while recovering) and time to recover at the load nearest ρ = ${REFERENCE_RHO}.`,
    ...(r.sets?.length ? ['', `Every run with ${r.sets.map((x) => `\`--set ${x}\``).join(', ')}.`] : []),
    '',
    '| language | SDK | configuration | outage | boundary ρ (measured) | predicted | agrees | at ρ | amplification | time to recover |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of r.rows.filter((x) => !x.notApplicable)) {
    const measured = row.points.length ? describeBoundary(row.boundary, row.points[0]!.rho) : 'not measured';
    const atRef = row.points.find((p) => p.rho === row.atRho);
    const ttr = row.ttrMs !== null ? secs(row.ttrMs) : atRef ? `stayed down ${atRef.metastable} of ${atRef.runs}` : '—';
    const agrees = row.agrees === null ? '—' : row.agrees ? 'yes' : '**no**';
    lines.push(`| ${row.language} | ${row.sdk} | ${row.configuration} | ${row.outageMs / 1000} s | ${measured}${row.sameAs ? ` (same code as ${row.sameAs})` : ''} | ${row.predictedBoundary ?? row.predictedNote ?? '—'} | ${agrees} | ${row.atRho ?? '—'} | ${row.amplification ?? '—'} | ${ttr} |`);
  }
  lines.push('', '## Each row by load', '', '| language | configuration | outage | load | ρ | stayed down | time to recover (median) | calls / request while recovering | first call after DNS (median) |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of r.rows.filter((x) => !x.sameAs && !x.notApplicable)) {
    for (const p of row.points) lines.push(`| ${row.language} | ${row.configuration} | ${row.outageMs / 1000} s | ${p.load} | ${p.rho} | ${p.metastable} of ${p.runs}${p.rate ? ` [${p.rate.low}–${p.rate.high}]` : ''} | ${secs(p.ttrMs)} | ${p.recoveringCallsPerRequest ?? '—'} | ${p.firstCallMs === null || p.firstCallMs === undefined ? '—' : `≤ ${secs(p.firstCallMs)}`} |`);
  }
  const notApplicable = [...new Map(r.rows.filter((x) => x.notApplicable).map((x) => [`${x.language} ${x.configuration}`, x])).values()];
  if (notApplicable.length) lines.push('', '## Not applicable', '', ...notApplicable.map((x) => `- **${x.language}** \`${x.configuration}\`: ${x.notApplicable}`));
  const langs = [...new Map(r.rows.map((x) => [x.language, x])).values()];
  lines.push('', '## The 2026 retry update at the versions run', '', ...langs.map((x) => `- **${x.language}** (${x.sdk}): ${x.update2026 ?? 'not read'}`));
  const effects = r.update2026 ?? [];
  if (effects.length) {
    const cell = (p: Update2026Effect['loads'][number]['before']) => `${p.metastable} of ${p.runs}${p.rate ? ` [${p.rate.low}–${p.rate.high}]` : ''}${p.ttrMs !== null ? `, ${secs(p.ttrMs)}` : ''}`;
    lines.push('', "### Its effect: stayed down before (`default-before-2026`) → after (`default`), with each Wilson interval; better or worse only where the runs of the loads that moved that way, pooled, have intervals that part", '', '| language | outage | boundary before → after | by load (ρ): before → after | change |', '| --- | --- | --- | --- | --- |');
    for (const e of effects) lines.push(`| ${e.language} | ${e.outageMs / 1000} s | ${describeBoundary(e.before.boundary, e.loads[0]!.rho)} → ${describeBoundary(e.after.boundary, e.loads[0]!.rho)} | ${e.loads.map((l) => `${l.rho}: ${cell(l.before)} → ${cell(l.after)}`).join('; ')} | ${e.change === 'none' ? 'none measured' : `**${e.change}**`} |`);
  }
  lines.push('', r.reportOnly ? 'Rebuilt from the runs already on disk (`--report-only`): nothing was run; each run’s wall time is in its summary.' : `Wall time: ${(r.wallMs / 60_000).toFixed(1)} min.`, '');
  return lines.join('\n');
}
