/**
 * Runs shards as an Indexed Job and brings their results home, through the Kubernetes API only
 * (@kubernetes/client-node): create the Job (after deleting any Job a crashed harness of this lab
 * home left, found by label), follow its pods (progress as shards finish), read each finished
 * pod's log for its results, and delete the Job and its pods at the end — on success, failure or
 * interrupt. Scheduling, retries of failed shards (backoffLimitPerIndex), parallelism and
 * placement are the Job controller's and the scheduler's; nothing here re-implements them.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { sleep } from '../../lab/proc.ts';
import { jobManifest, jobName, LABEL, namespaceManifest, type JobSpec } from './manifests.ts';
import { decodeResult } from './results.ts';

export interface KubeTarget {
  readonly kubeconfig: string;
  readonly namespace: string;
}

export interface ShardOutcome {
  readonly index: number;
  readonly files: Record<string, string>;
  readonly pod: string;
}

type K8s = typeof import('@kubernetes/client-node');

async function clients(t: KubeTarget) {
  const k8s: K8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (!existsSync(t.kubeconfig)) throw new UserError(`--kubeconfig ${t.kubeconfig} does not exist: give a kubeconfig, or start the lab's cluster with \`outage-lab cluster up\``);
  try {
    kc.loadFromFile(t.kubeconfig);
  } catch (err) {
    throw new UserError(`--kubeconfig ${t.kubeconfig}: not a kubeconfig (${(err as Error).message})`);
  }
  return { k8s, core: kc.makeApiClient(k8s.CoreV1Api), batch: kc.makeApiClient(k8s.BatchV1Api) };
}

const status = (err: unknown) => (err as { code?: number }).code;
const describe = (err: unknown) => {
  const body = (err as { body?: unknown }).body;
  try {
    const parsed = typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string } | undefined);
    return parsed?.message ?? (err as Error).message;
  } catch {
    return (err as Error).message;
  }
};

/** Where `down` (or the next run) finds a Job this lab home started, should the harness die. */
const recordFile = (home: string) => join(home, 'kubernetes-job.json');

/** Deletes every Job (and its pods) of this lab home in the namespace; returns their names. */
export async function deleteOwnedJobs(t: KubeTarget, owner: string): Promise<string[]> {
  const { batch, core } = await clients(t);
  const selector = `${LABEL.owner}=${owner}`;
  let names: string[];
  try {
    names = (await batch.listNamespacedJob({ namespace: t.namespace, labelSelector: selector })).items.map((j) => j.metadata!.name!);
  } catch (err) {
    if (status(err) === 404) return [];
    throw new UserError(`cannot list Jobs in ${t.namespace}: ${describe(err)}`);
  }
  for (const name of names) await batch.deleteNamespacedJob({ name, namespace: t.namespace, propagationPolicy: 'Background', gracePeriodSeconds: 0 }).catch(() => {});
  // Pods go with their Job (the garbage collector); delete them at once rather than wait.
  await core.deleteCollectionNamespacedPod({ namespace: t.namespace, labelSelector: selector, gracePeriodSeconds: 0 }).catch(() => {});
  return names;
}

/** Deletes the Job a crashed harness of this lab home recorded, if any (`outage-lab down`). */
export async function deleteRecordedJob(home: string, log: (line: string) => void): Promise<string[]> {
  const f = recordFile(home);
  if (!existsSync(f)) return [];
  const r = JSON.parse(readFileSync(f, 'utf8')) as KubeTarget & { owner: string };
  const gone = await deleteOwnedJobs(r, r.owner).catch((err: Error) => {
    log(`could not reach the cluster to delete a left Job (${err.message}); it is labelled ${LABEL.owner}=${r.owner} in ${r.namespace}`);
    return [];
  });
  rmSync(f, { force: true });
  return gone;
}

export interface RunJobOptions {
  readonly target: KubeTarget;
  readonly spec: JobSpec;
  readonly home: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Every shard's result as it arrives. */
  readonly onShard?: (o: ShardOutcome, done: number, of: number) => void;
  /** Shards that ran before (a resumed sweep): not waited for. */
  readonly pollMs?: number;
}

export interface JobOutcome {
  readonly results: (ShardOutcome | undefined)[];
  readonly failedIndexes: number[];
  readonly interrupted: boolean;
  readonly wallMs: number;
}

export async function runJob(o: RunJobOptions): Promise<JobOutcome> {
  const { core, batch } = await clients(o.target);
  const ns = o.target.namespace;
  const name = jobName(o.spec);
  const started = Date.now();
  try {
    await core.readNamespace({ name: ns });
  } catch (err) {
    if (status(err) !== 404) throw new UserError(`cannot reach the cluster in ${o.target.kubeconfig}: ${describe(err)}`);
    await core.createNamespace({ body: namespaceManifest(ns) as never });
  }
  const left = await deleteOwnedJobs(o.target, o.spec.owner);
  if (left.length) o.log(`deleted ${left.length} Job(s) a previous run of this lab home left: ${left.join(', ')}`);
  try {
    await batch.createNamespacedJob({ namespace: ns, body: jobManifest(o.spec) as never });
  } catch (err) {
    throw new UserError(`the cluster refused the Job ${name}: ${describe(err)}`);
  }
  writeFileSync(recordFile(o.home), JSON.stringify({ ...o.target, owner: o.spec.owner, job: name }));
  o.log(`Job ${ns}/${name}: ${o.spec.completions} shards, ${o.spec.parallelism} at a time`);
  const results: (ShardOutcome | undefined)[] = Array.from({ length: o.spec.completions }, () => undefined);
  let failedIndexes: number[] = [];
  let interrupted = false;
  try {
    for (;;) {
      if (o.signal?.aborted) {
        interrupted = true;
        break;
      }
      const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
      for (const p of pods) {
        const index = Number(p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']);
        if (p.status?.phase !== 'Succeeded' || !Number.isInteger(index) || results[index]) continue;
        const log = await core.readNamespacedPodLog({ name: p.metadata!.name!, namespace: ns, container: 'lab' });
        const files = decodeResult(typeof log === 'string' ? log : String(log));
        results[index] = { index, files, pod: p.metadata!.name! };
        o.onShard?.(results[index]!, results.filter(Boolean).length, results.length);
      }
      const job = await batch.readNamespacedJob({ name, namespace: ns });
      const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      if (results.every(Boolean)) break;
      if (failed) {
        failedIndexes = parseIndexes(job.status?.failedIndexes ?? '');
        o.log(`Job ${name} failed: ${failed.reason ?? ''} ${failed.message ?? ''} (failed shards: ${failedIndexes.join(', ') || 'none recorded'})`);
        // What the failed pods said last, before the Job (and their logs) go.
        for (const p of pods.filter((x) => x.status?.phase === 'Failed')) {
          const log = await core.readNamespacedPodLog({ name: p.metadata!.name!, namespace: ns, container: 'lab', tailLines: 5 }).catch((err: Error) => `(no log: ${err.message})`);
          o.log(`  pod ${p.metadata!.name} (shard ${p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']}): ${String(log).trim().split('\n').join(' | ')}`);
        }
        break;
      }
      await sleep(o.pollMs ?? 1000);
    }
  } finally {
    // The Job and its pods go whatever happened; wait (up to 10 s) until the pods are gone.
    await batch.deleteNamespacedJob({ name, namespace: ns, propagationPolicy: 'Foreground', gracePeriodSeconds: 0 }).catch(() => {});
    await core.deleteCollectionNamespacedPod({ namespace: ns, labelSelector: `batch.kubernetes.io/job-name=${name}`, gracePeriodSeconds: 0 }).catch(() => {});
    for (let i = 0; i < 50; i++) {
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `batch.kubernetes.io/job-name=${name}` }).catch(() => ({ items: [] }));
      const jobs = await batch.listNamespacedJob({ namespace: ns, labelSelector: `${LABEL.run}=${o.spec.id}` }).catch(() => ({ items: [] }));
      if (!pods.items.length && !jobs.items.length) break;
      await sleep(200);
    }
    rmSync(recordFile(o.home), { force: true });
  }
  return { results, failedIndexes, interrupted, wallMs: Date.now() - started };
}

/** "1,3-5" → [1, 3, 4, 5]. */
export function parseIndexes(s: string): number[] {
  return s
    .split(',')
    .filter(Boolean)
    .flatMap((part) => {
      const [a, b] = part.split('-').map(Number);
      return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, k) => a! + k);
    });
}
