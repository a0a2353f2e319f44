/**
 * `--on kubernetes`: a sweep's runs, or a game day's arms, as the shards of one Indexed Job. The
 * sweep and the game day stay what they are — same validation, same analysis, same reports; only
 * who carries out the runs changes (their executor). Each shard's files come back into the same
 * folders a local run writes, so a sweep resumes and `outage-lab report` re-analyses as always.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ArmExecutor, ArmRun } from '../../chaos/campaigns/gameday/gameday.ts';
import { readHistory } from '../../chaos/history/history.ts';
import type { Reporter, RunResult } from '../../chaos/reporters/reporter.ts';
import type { RunSummary } from '../../chaos/run/journal.ts';
import type { SweepExecutor, SweepRun } from '../../chaos/campaigns/sweep/sweep.ts';
import { InputError, UserError } from '../../core/errors.ts';
import { clusterRoot } from '../cluster/cluster.ts';
import { clusterLayout } from '../cluster/files.ts';
import { resolveProgram } from '../../lab/tools.ts';
import { guestContainers, type ImageTarget } from './guests.ts';
import { jobManifest, namespaceManifest, ownerOf, type GuestContainer, type JobSpec } from './manifests.ts';
import { runJob, type KubeTarget } from './run-job.ts';
import type { ServiceSpec } from '../../user-services/service-file.ts';
import type { Shard } from './shard.ts';

export interface KubeRun {
  readonly target: KubeTarget;
  readonly image: string;
  readonly pullPolicy: JobSpec['pullPolicy'];
  readonly parallel: number;
  readonly home: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** The lab's own cluster's containerd, where users' services' images are imported (no registry). */
  readonly images?: ImageTarget;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Where to run: --kubeconfig, else $KUBECONFIG, else the lab's own cluster (`outage-lab cluster
 * up`), else ~/.kube/config; the image: --image, else the lab cluster's runner image (imported
 * there, never pulled).
 */
export function kubeRun(o: { kubeconfig?: string; namespace: string; image?: string; parallel: number; home: string; env: NodeJS.ProcessEnv; log: (line: string) => void; signal?: AbortSignal; manifestsOnly?: boolean }): KubeRun {
  const local = clusterLayout(clusterRoot(o.home));
  const kubeconfig = o.kubeconfig ?? o.env.KUBECONFIG ?? (existsSync(local.kubeconfig) ? local.kubeconfig : join(homedir(), '.kube', 'config'));
  if (!existsSync(kubeconfig) && !(o.manifestsOnly && o.image)) throw new InputError(`--kubeconfig: ${kubeconfig} does not exist: give --kubeconfig FILE, or start the lab's own cluster with \`outage-lab cluster up\``);
  let image = o.image;
  let pullPolicy: JobSpec['pullPolicy'] = 'IfNotPresent';
  if (!image) {
    const state = existsSync(local.state) && kubeconfig === local.kubeconfig ? (JSON.parse(readFileSync(local.state, 'utf8')) as { images?: { runner?: string } }) : undefined;
    if (!state?.images?.runner) throw new InputError('--image: name the runner image (outage-lab/runner, pushed to a registry your cluster pulls from); only the lab\'s own cluster has it without one');
    image = state.images.runner;
    pullPolicy = 'Never';
  }
  const images = pullPolicy === 'Never' ? { ctr: resolveProgram('ctr', o.env), socket: local.containerdSocket } : undefined;
  return { target: { kubeconfig, namespace: o.namespace }, image, pullPolicy, parallel: o.parallel, home: o.home, log: o.log, env: o.env, ...(images ? { images } : {}), ...(o.signal ? { signal: o.signal } : {}) };
}

const newId = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

function spec(k: KubeRun, kind: JobSpec['kind'], shards: readonly Shard[], guests: readonly GuestContainer[] = []): JobSpec {
  return { kind, id: newId(), namespace: k.target.namespace, image: k.image, pullPolicy: k.pullPolicy, completions: shards.length, parallelism: Math.min(k.parallel, shards.length), owner: ownerOf(k.home), shards, ...(guests.length ? { guests } : {}) };
}

const sweepShards = (runs: readonly SweepRun[]): Shard[] =>
  runs.map((r) => ({ label: `cell ${r.index + 1} seed ${r.seed}`, scenario: r.scenario as unknown as Record<string, unknown>, seed: r.seed, withTimeline: false, ...(r.service ? { services: [r.service as unknown as Record<string, unknown>] } : {}) }));

const armShards = (arms: readonly ArmRun[], seed: number, services: readonly ServiceSpec[] = []): Shard[] =>
  arms.map((a) => ({ label: a.arm.name, scenario: a.scenario as unknown as Record<string, unknown>, seed, expectedMs: a.expectedMs, withTimeline: true, ...(services.length ? { services: services as unknown as Record<string, unknown>[] } : {}) }));

/** The services of a sweep's runs (each run's own, with its cell's settings). */
export const sweepServices = (runs: readonly SweepRun[]): ServiceSpec[] => runs.flatMap((r) => (r.service ? [r.service] : []));

/**
 * The pod containers of the runs' services, their images built (and imported into the lab's own
 * cluster). Another cluster would pull them from a registry the lab cannot push to: refused.
 */
export async function podGuests(k: Pick<KubeRun, 'images' | 'env' | 'log'>, services: readonly ServiceSpec[], o: { manifestsOnly?: boolean } = {}): Promise<GuestContainer[]> {
  if (!services.length) return [];
  if (!k.images && !o.manifestsOnly) throw new UserError(`--service on a cluster other than the lab's own: each shard's pod would pull ${services[0]!.name}'s image from a registry, and the lab builds it only into this machine's Docker; run the map on the lab's cluster (\`outage-lab cluster up\`, no --kubeconfig or --image) or here without --on kubernetes`);
  return guestContainers(services, { env: k.env, log: k.log, ...(k.images && !o.manifestsOnly ? { importTo: k.images } : {}) });
}

/** What `k8s manifests` prints: the Namespace and the Job a sweep's or game day's shards would be. */
export function manifests(k: Pick<KubeRun, 'target' | 'image' | 'pullPolicy' | 'parallel' | 'home'>, kind: JobSpec['kind'], shards: readonly Shard[], guests: readonly GuestContainer[] = []): Record<string, unknown>[] {
  return [namespaceManifest(k.target.namespace), jobManifest(spec(k as KubeRun, kind, shards, guests))];
}
export const shardsOf = { sweep: sweepShards, gameday: armShards };

/** What every Job of this run shares: the cluster, the Job's spec, the lab home, the log, Ctrl-C. */
const jobOf = (k: KubeRun, kind: JobSpec['kind'], shards: readonly Shard[], guests: readonly GuestContainer[] = []) => ({ target: k.target, spec: spec(k, kind, shards, guests), home: k.home, log: k.log, ...(k.signal ? { signal: k.signal } : {}) });

export function sweepOnKubernetes(k: KubeRun): SweepExecutor {
  return async (runs, record) => {
    if (!runs.length) return;
    const guests = await podGuests(k, sweepServices(runs));
    const out = await runJob({
      ...jobOf(k, 'sweep', sweepShards(runs), guests),
      onShard: (o) => {
        const run = runs[o.index]!;
        mkdirSync(run.dir, { recursive: true });
        writeFileSync(join(run.dir, 'summary.json'), o.files['summary.json']!);
        const meta = JSON.parse(o.files['shard.json']!) as { wallMs: number };
        record(run, { ...(JSON.parse(o.files['summary.json']!) as RunSummary), outDir: run.dir }, meta.wallMs);
      },
    });
    if (out.failedIndexes.length) k.log(`${out.failedIndexes.length} shard(s) failed past their retries (${out.failedIndexes.map((i) => runs[i]!.dir).join(', ')}): the sweep is incomplete; run it again to resume`);
  };
}

export function gamedayOnKubernetes(k: KubeRun, o: { seed: number; reporters: readonly Reporter[]; armLine: (r: RunResult) => string; services?: readonly ServiceSpec[] }): ArmExecutor {
  return async (arms) => {
    const results: (RunResult | undefined)[] = arms.map(() => undefined);
    const done: Promise<void>[] = [];
    const services = o.services ?? [];
    const out = await runJob({
      ...jobOf(k, 'gameday', armShards(arms, o.seed, services), await podGuests(k, services)),
      onShard: (r) => {
        const a = arms[r.index]!;
        mkdirSync(a.outDir, { recursive: true });
        writeFileSync(join(a.outDir, 'summary.json'), r.files['summary.json']!);
        writeFileSync(join(a.outDir, 'timeline.ndjson'), r.files['timeline.ndjson']!);
        const summary = { ...(JSON.parse(r.files['summary.json']!) as RunSummary), outDir: a.outDir };
        const run: RunResult = { name: a.arm.name, summary, events: readHistory(join(a.outDir, 'timeline.ndjson')), outDir: a.outDir, files: [] };
        done.push(
          (async () => {
            for (const rep of o.reporters) if (rep.onRunFinished) run.files.push(...(await rep.onRunFinished(run)));
          })(),
        );
        results[r.index] = run;
        k.log(o.armLine(run));
      },
    });
    await Promise.all(done);
    // Arms in order, up to the first that did not finish (an interrupted game day reports those).
    if (out.interrupted) return results.slice(0, results.findIndex((r) => r === undefined) === -1 ? results.length : results.findIndex((r) => r === undefined)) as RunResult[];
    const missing = arms.filter((_, i) => !results[i]).map((a) => a.arm.name);
    if (missing.length) throw new UserError(`the game day's Job finished without ${missing.join(', ')} (failed past their retries): see the pods' logs; nothing is reported`);
    return results as RunResult[];
  };
}
