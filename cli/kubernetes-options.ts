/**
 * The `--on kubernetes` flags of `sweep` and `gameday`, and what they resolve to: where to run
 * (kubeconfig, namespace), with which image, how many labs at once — every bad value an input
 * error naming the flag, checked before anything starts.
 */
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import type { LabContext } from '../lab/lab.ts';

export interface OnFlags {
  readonly on: string;
  readonly parallel?: string;
  readonly namespace?: string;
  readonly image?: string;
  readonly kubeconfig?: string;
  readonly manifests?: boolean;
}

export function addOnKubernetesOptions(c: Command): Command {
  return c
    .option('--on <where>', 'local (this machine, one lab after another) or kubernetes (an Indexed Job, one shard per run or arm)', 'local')
    .option('--parallel <n>', 'with --on kubernetes: labs at once (the Job\'s parallelism)', '2')
    .option('--namespace <ns>', 'with --on kubernetes: the namespace (created if missing)', 'outage-lab')
    .option('--image <ref>', 'with --on kubernetes: the runner image (default: the one imported into `outage-lab cluster up`\'s cluster)')
    .option('--kubeconfig <file>', 'with --on kubernetes: default $KUBECONFIG, else the lab\'s cluster, else ~/.kube/config')
    .option('--manifests', 'with --on kubernetes: print the Namespace and the Job instead of running them');
}

/** undefined for --on local; the resolved target for --on kubernetes. */
export async function onKubernetes(f: OnFlags, lab: LabContext, log: (line: string) => void, signal?: AbortSignal) {
  if (f.on === 'local') {
    if (f.manifests) throw new InputError('--manifests: only with --on kubernetes');
    return undefined;
  }
  if (f.on !== 'kubernetes') throw new InputError(`--on ${f.on}: expected local or kubernetes`);
  const [{ parseK8sFlags }, { kubeRun }] = await Promise.all([import('../kubernetes/jobs/manifests.ts'), import('../kubernetes/jobs/executors.ts')]);
  const k = parseK8sFlags(f);
  return kubeRun({ ...k, ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}), home: lab.home, env: lab.env, log, ...(signal ? { signal } : {}), manifestsOnly: f.manifests === true });
}
