/** `cluster up|down|status` (the lab's own single-node Kubernetes) and `k8s shard|manifests`. */
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { labContext } from '../lab/lab.ts';
import { log } from './lab-commands.ts';
import { abortOnSignals } from './signals.ts';
import { table } from './table.ts';

export function registerKubernetesCommands(program: Command): void {
  const cluster = program.command('cluster').description("the lab's own single-node Kubernetes (etcd, kube-apiserver, controller-manager, scheduler, kubelet, containerd) on 127.0.0.1, for `--on kubernetes` without a cluster of your own");
  cluster
    .command('up')
    .description('build (the first time: minutes) and start the cluster; import the pause and runner images; wait until the node is Ready')
    .action(async () => {
      const { clusterUp } = await import('../kubernetes/cluster/cluster.ts');
      const { signal, dispose } = abortOnSignals(log);
      try {
        const info = await clusterUp({ home: labContext().home, log, signal });
        process.stdout.write(`${table(['component', 'pid', 'state'], info.components.map((c) => [c.name, String(c.pid), c.alive ? 'running' : 'EXITED']))}\nnode Ready: ${info.nodeReady ? 'yes' : 'no'}\nkubeconfig: ${info.kubeconfig}\nimages: ${Object.entries(info.images).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
      } finally {
        dispose();
      }
    });
  cluster
    .command('down')
    .description('stop the cluster: every pod, container, process, mount and file it made')
    .action(async () => {
      const { clusterDown } = await import('../kubernetes/cluster/cluster.ts');
      const r = await clusterDown({ home: labContext().home, log });
      log(r.wasUp ? `cluster down: stopped ${r.stopped.join(', ') || 'nothing (it had stopped)'}` : 'no cluster was up; nothing to stop');
    });
  cluster
    .command('status')
    .description('the cluster\'s components, the node, the kubeconfig; exit 0 up and Ready, 1 not Ready, 3 not up')
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const { clusterStatus } = await import('../kubernetes/cluster/cluster.ts');
      const info = await clusterStatus({ home: labContext().home });
      if (o.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else if (!info.up && !info.components.length) log('no cluster is up (start one with `outage-lab cluster up`)');
      else process.stdout.write(`${table(['component', 'pid', 'state'], info.components.map((c) => [c.name, String(c.pid), c.alive ? 'running' : 'EXITED']))}\nnode Ready: ${info.nodeReady ? 'yes' : 'no'}\nkubeconfig: ${info.kubeconfig}\n`);
      process.exitCode = !info.components.length ? 3 : info.up && info.nodeReady ? 0 : 1;
    });

  const k8s = program.command('k8s').description('sweeps and game days as Kubernetes Indexed Jobs');
  k8s
    .command('manifests')
    .description('print the Namespace and Job that `sweep … --on kubernetes` or `gameday … --on kubernetes` would create (for kubectl apply and the like)')
    .argument('<command>', 'sweep or gameday')
    .argument('[args...]', 'its arguments and flags, as for the command itself')
    .allowUnknownOption(true)
    .helpOption(false)
    .action(async (command: string, args: string[]) => {
      if (command !== 'sweep' && command !== 'gameday') throw new InputError(`k8s manifests ${command}: expected sweep or gameday`);
      await program.parseAsync([process.argv[0]!, process.argv[1]!, command, ...args, '--on', 'kubernetes', '--manifests']);
    });
  k8s
    .command('shard', { hidden: true })
    .description("run this pod's shard of an outage-lab Indexed Job (inside the runner image)")
    .action(async () => {
      const [{ runShard }, { shardSlot }] = await Promise.all([import('../kubernetes/jobs/shard.ts'), import('../kubernetes/jobs/manifests.ts')]);
      const { signal, dispose } = abortOnSignals(log);
      try {
        // Pods share the node's loopback: each shard's lab on a slot of its own.
        const slot = process.env.OUTAGE_LAB_SLOT ?? String(shardSlot(Number(process.env.JOB_COMPLETION_INDEX)));
        process.exitCode = await runShard(labContext({ ...process.env, OUTAGE_LAB_SLOT: slot }), process.env, log, signal);
      } finally {
        dispose();
      }
    });
}
