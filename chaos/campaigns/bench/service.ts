/**
 * `outage-lab bench service`: one service through the same outage under several configurations —
 * each a set of environment variables on top of its file's (`naive:ORDERS_NAIVE_RETRY=5` against
 * `standard:`, the SDK's defaults) — on the same seeds, so what differs is the configuration and
 * the real timing a seed does not fix (where the trigger lands, the machine's scheduling). Per
 * configuration: how many runs recovered and how many stayed down after DNS came back
 * (metastable), with Wilson intervals; time to recover, DynamoDB calls per request and the good
 * share of requests while recovering, as means with 95 % t intervals over the seeds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import type { LabContext } from '../../../lab/lab.ts';
import type { ServiceFigures } from '../../../user-services/analysis.ts';
import { LAB_ENV, type ServiceSpec } from '../../../user-services/service-file.ts';
import { loadScenario } from '../../experiment/scenario.ts';
import { runScenario } from '../../run/runner.ts';
import { meanInterval, wilson, type Rate } from '../sweep/stats.ts';

export interface ServiceVariant {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
}

/** `naive:ORDERS_NAIVE_RETRY=5;AWS_MAX_ATTEMPTS=1` or `standard:` (no change): a label and variables. */
export function parseServiceVariant(spec: string): ServiceVariant {
  const i = spec.indexOf(':');
  const label = i < 0 ? spec : spec.slice(0, i);
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(label)) throw new InputError(`--variants: "${label}" is not a name: lower case letters, digits and -, e.g. naive:ORDERS_NAIVE_RETRY=5`);
  const env: Record<string, string> = {};
  for (const kv of (i < 0 ? '' : spec.slice(i + 1)).split(';').filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new InputError(`--variants ${label}: "${kv}" should be NAME=value, e.g. ORDERS_NAIVE_RETRY=5`);
    if ((LAB_ENV as readonly string[]).includes(m[1]!)) throw new InputError(`--variants ${label}: the lab sets ${m[1]} itself; vary the service's own settings (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS, yours)`);
    env[m[1]!] = m[2]!;
  }
  return { label, env };
}

export interface ServiceRunRow {
  readonly seed: number;
  readonly verdict: ServiceFigures['verdict'];
  readonly ttrMs: number | null;
  readonly metastable: boolean;
  readonly recoveringCallsPerRequest: number | null;
  readonly recoveringGoodShare: number | null;
  readonly emptyGoodShare: number | null;
  readonly firstError: string | null;
  /** Its first DynamoDB call after DNS came back, ms (afterRestore; null: none, or an older summary). */
  readonly firstCallMs: number | null;
  readonly outDir: string;
}

type Interval = ReturnType<typeof meanInterval>;

export interface ServiceBenchResult {
  readonly scenario: string;
  readonly quick: boolean;
  readonly service: string;
  readonly sdk: { readonly name: string; readonly version: string };
  readonly variants: Record<
    string,
    {
      readonly env: Readonly<Record<string, string>>;
      readonly runs: ServiceRunRow[];
      readonly recovered: { readonly k: number; readonly n: number; readonly rate: Rate | null };
      readonly metastable: { readonly k: number; readonly n: number; readonly rate: Rate | null };
      readonly ttrMs: Interval;
      readonly recoveringCallsPerRequest: Interval;
      readonly recoveringGoodShare: Interval;
    }
  >;
  readonly wallMs: number;
}

const share = (p: ServiceFigures['phases'][number] | undefined) => (p && p.requests > 0 ? Math.round((p.good / p.requests) * 1000) / 1000 : null);
const defined = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);

export function serviceRunRow(seed: number, svc: ServiceFigures, outDir: string): ServiceRunRow {
  const phase = (n: string) => svc.phases.find((p) => p.name === n);
  return {
    seed,
    verdict: svc.verdict,
    ttrMs: svc.ttrMs,
    metastable: svc.metastable,
    recoveringCallsPerRequest: phase('recovering')?.dynamodbCallsPerRequest ?? null,
    recoveringGoodShare: share(phase('recovering')),
    emptyGoodShare: share(phase('empty')),
    firstError: svc.firstError?.error ?? null,
    firstCallMs: svc.afterRestore?.firstCallMs ?? null,
    outDir,
  };
}

export async function benchService(o: {
  readonly scenario: string;
  readonly quick: boolean;
  readonly service: ServiceSpec;
  readonly variants: readonly ServiceVariant[];
  readonly repeat: number;
  readonly sets: readonly string[];
  readonly outDir: string;
  readonly lab: LabContext;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}): Promise<ServiceBenchResult> {
  const started = performance.now();
  loadScenario(o.scenario, o.sets, { quick: o.quick }); // bad settings fail before the first run
  const variants: ServiceBenchResult['variants'] = {};
  for (const v of o.variants) {
    const spec: ServiceSpec = { ...o.service, env: { ...o.service.env, ...v.env } };
    const runs: ServiceRunRow[] = [];
    for (let seed = 1; seed <= o.repeat && !o.signal?.aborted; seed++) {
      const outDir = join(o.outDir, 'runs', `${v.label}-seed${seed}`);
      o.log(`${v.label}: run ${seed}/${o.repeat}…`);
      const scenario = loadScenario(o.scenario, o.sets, { quick: o.quick });
      const s = await runScenario(scenario, { seed, outDir, lab: o.lab, log: () => {}, signal: o.signal, services: [spec] });
      const svc = s.services.find((x) => x.name === spec.name);
      if (!svc) throw new Error(`run ${outDir} has no figures for ${spec.name}`);
      const row = serviceRunRow(seed, svc, outDir);
      runs.push(row);
      o.log(
        `${v.label}: seed ${seed}: ${row.verdict}${row.ttrMs === null ? '' : `, recovered ${(row.ttrMs / 1000).toFixed(1)} s after DNS came back`}, ${row.recoveringCallsPerRequest ?? '—'} DynamoDB calls/request while recovering, ${row.recoveringGoodShare === null ? '—' : `${(row.recoveringGoodShare * 100).toFixed(0)} %`} good`,
      );
    }
    const recovered = runs.filter((r) => r.ttrMs !== null).length;
    const metastable = runs.filter((r) => r.metastable).length;
    variants[v.label] = {
      env: v.env,
      runs,
      recovered: { k: recovered, n: runs.length, rate: wilson(recovered, runs.length) },
      metastable: { k: metastable, n: runs.length, rate: wilson(metastable, runs.length) },
      ttrMs: meanInterval(defined(runs.map((r) => r.ttrMs))),
      recoveringCallsPerRequest: meanInterval(defined(runs.map((r) => r.recoveringCallsPerRequest))),
      recoveringGoodShare: meanInterval(defined(runs.map((r) => r.recoveringGoodShare))),
    };
  }
  const result: ServiceBenchResult = {
    scenario: o.scenario,
    quick: o.quick,
    service: o.service.name,
    sdk: o.service.sdk,
    variants,
    wallMs: Math.round(performance.now() - started),
  };
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'bench-service.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
