/**
 * Sweeps and game days as Indexed Jobs on a real single-node Kubernetes built from source
 * (`outage-lab cluster up`): the manifests are accepted by the real API server, bad flags are
 * input errors naming the flag, a sweep runs as shards (a deleted pod retried by the Job, not by
 * us; no socket on this machine has a peer off loopback meanwhile), Ctrl-C deletes the Job and its
 * pods within 10 s, a SIGKILLed harness's Job is found by label by `down`, a service map's shard
 * runs the user's service in a container of its own pod, a quick game day's arm
 * writes the reports a local one does, and `cluster down` leaves no process, mount or container.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComparisonSchema } from '../chaos/campaigns/gameday/comparison.ts';
import { readHistory } from '../chaos/history/history.ts';
import { assertTriggered } from '../chaos/history/premise.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { processesWithEnv } from '../lab/proc.ts';
import { testSettings } from '../lab/testing.ts';
import { clusterRoot, ENV_CLUSTER } from './cluster/cluster.ts';
import { clusterLayout } from './cluster/files.ts';
import { LABEL, ownerOf } from './jobs/manifests.ts';

const SLOT = 215;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const { env, home } = testSettings(SLOT);
const root = mkdtempSync(join(tmpdir(), 'k8s-'));
const layout = clusterLayout(clusterRoot(home));
const cli = (args: string[], timeout = 300_000) => execa(process.execPath, [BIN, ...args], { env, reject: false, timeout });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NS = 'outage-lab-test';
const SMALL_SWEEP = ['sweep', 'race-map', '--quick', '--grid', 'planIntervalMs=200', '--grid', 'faults.0.latencyMs=1200,2500', '--repeat', '1', '--on', 'kubernetes', '--namespace', NS];

type K8s = typeof import('@kubernetes/client-node');
let k8s: K8s;
let core: import('@kubernetes/client-node').CoreV1Api;
let batch: import('@kubernetes/client-node').BatchV1Api;

const ours = async () => {
  const selector = `${LABEL.owner}=${ownerOf(home)}`;
  const [jobs, pods] = await Promise.all([batch.listNamespacedJob({ namespace: NS, labelSelector: selector }), core.listNamespacedPod({ namespace: NS, labelSelector: selector })]);
  return { jobs: jobs.items.map((j) => j.metadata!.name!), pods: pods.items.map((p) => ({ name: p.metadata!.name!, phase: p.status?.phase, index: p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] })) };
};

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  const up = await cli(['cluster', 'up'], 900_000);
  if (up.exitCode !== 0) throw new Error(`cluster up failed: ${up.stderr.slice(-3000)}`);
  k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(layout.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  batch = kc.makeApiClient(k8s.BatchV1Api);
}, 900_000);

afterAll(async () => {
  const down = await cli(['cluster', 'down'], 120_000);
  rmSync(root, { recursive: true, force: true });
  expect(down.exitCode, down.stderr).toBe(0);
  // Nothing of the cluster is left: no process carrying its label, no containerd shim, no mount, no sandbox namespace, no files.
  expect(processesWithEnv(ENV_CLUSTER, layout.root)).toEqual([]);
  const shims = (await execa('ps', ['-eo', 'args'])).stdout.split('\n').filter((l) => l.includes(layout.containerdSocket));
  expect(shims).toEqual([]);
  expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(layout.root))).toEqual([]);
  expect(existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('cni-')) : []).toEqual([]);
  expect(existsSync(layout.root)).toBe(false);
}, 180_000);

describe('--on kubernetes against a real single-node cluster', { timeout: 600_000 }, () => {
  it('cluster status: every component running, the node Ready, only loopback listeners', async () => {
    const st = await cli(['cluster', 'status', '--json']);
    expect(st.exitCode, st.stderr).toBe(0);
    const info = JSON.parse(st.stdout) as { components: { name: string; alive: boolean }[]; nodeReady: boolean };
    expect(info.components.map((c) => c.name)).toEqual(['etcd', 'kube-apiserver', 'containerd', 'kube-controller-manager', 'kube-scheduler', 'kubelet']);
    expect(info.components.every((c) => c.alive) && info.nodeReady).toBe(true);
    const pids = new Set(processesWithEnv(ENV_CLUSTER, layout.root).map(String));
    const listeners = (await execa('ss', ['-Hltnp'])).stdout.split('\n').filter((l) => [...pids].some((p) => l.includes(`pid=${p},`)));
    expect(listeners.length).toBeGreaterThan(5);
    for (const l of listeners) expect(l.split(/\s+/)[3], l).toMatch(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):\d+$/);
    // The API server reaches the kubelet by its Hostname address, localhost = 127.0.0.1.
    const node = await core.readNode({ name: 'localhost' });
    expect(node.status?.addresses).toEqual(expect.arrayContaining([{ type: 'Hostname', address: 'localhost' }]));
  });

  it('k8s manifests: the real API server accepts them (dryRun=All); bad flags are input errors naming the flag', async () => {
    const m = await cli(['k8s', 'manifests', ...SMALL_SWEEP.filter((a) => a !== '--on' && a !== 'kubernetes'), '--parallel', '2']);
    expect(m.exitCode, m.stderr).toBe(0);
    const docs = parseAllDocuments(m.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: { completions: number; parallelism: number; completionMode: string; backoffLimitPerIndex: number } });
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'Job']);
    const job = docs[1]!;
    expect(job.spec).toMatchObject({ completions: 2, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 2 });
    await core.createNamespace({ body: docs[0] as never }).catch((err: { code?: number }) => {
      if (err.code !== 409) throw err;
    });
    const dry = await batch.createNamespacedJob({ namespace: NS, body: job as never, dryRun: 'All' });
    expect(dry.metadata?.name).toBe(job.metadata.name);
    expect((await ours()).jobs).toEqual([]); // a dry run creates nothing
    for (const [flags, message] of [
      [['--parallel', '0'], '--parallel: at least 1'],
      [['--parallel', 'two'], '--parallel: expected a whole number'],
      [['--namespace', 'Bad_NS'], '--namespace: a Kubernetes name'],
      [['--image', 'UPPER/Case:tag'], '--image: an image reference'],
      [['--kubeconfig', join(root, 'nope')], '--kubeconfig'],
    ] as const) {
      const r = await cli([...SMALL_SWEEP, ...flags, '--out', join(root, 'bad')]);
      expect(r.exitCode, `${flags.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a sweep as an Indexed Job: every cell completes; a deleted pod is retried by the Job; no socket here has a peer off loopback', async () => {
    const out = join(root, 'sweep');
    const child = execa(process.execPath, [BIN, ...SMALL_SWEEP, '--parallel', '2', '--out', out], { env, reject: false, timeout: 400_000 });
    const peers = new Set<string>();
    const watchPeers = setInterval(() => {
      execa('ss', ['-Htn', 'state', 'established']).then(
        (r) => {
          for (const l of r.stdout.split('\n').filter(Boolean)) peers.add(l.trim().split(/\s+/).at(-1)!.replace(/:\d+$/, ''));
        },
        () => {},
      );
    }, 500);
    // Delete the first pod once it runs: the Job controller, not our code, starts another for its index.
    const victim = await waitFor('a running shard', async () => (await ours()).pods.find((p) => p.phase === 'Running'), 120_000);
    await core.deleteNamespacedPod({ name: victim.name, namespace: NS, gracePeriodSeconds: 0 });
    const replacement = await waitFor('the Job to replace it', async () => (await ours()).pods.find((p) => p.index === victim.index && p.name !== victim.name), 60_000);
    const r = await child;
    clearInterval(watchPeers);
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    expect(replacement.name).not.toBe(victim.name);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { complete: boolean; cells: { runs: number }[] };
    expect(sweep.complete).toBe(true);
    expect(sweep.cells.map((c) => c.runs)).toEqual([1, 1]);
    expect(existsSync(join(out, 'sweep.md'))).toBe(true);
    expect(peers.size).toBeGreaterThan(0);
    for (const p of peers) expect(p, 'a TCP peer off 127.0.0.0/8').toMatch(/^(127\.\d+\.\d+\.\d+|\[::ffff:127\.\d+\.\d+\.\d+\]|\[::1\])$/);
    // The Job and its pods are gone.
    expect(await ours()).toEqual({ jobs: [], pods: [] });
  });

  it("a service map: the user's service runs in its own container of the shard's pod, meets the outage through its own resolver, and is judged", async () => {
    const out = join(root, 'service-map');
    const child = execa(process.execPath, [BIN, 'sweep', 'slow-return', '--quick', '--service', join(PROJECT_ROOT, 'examples', 'orders-node', 'retry-storm.yaml'), '--grid', 'service.load=0.5', '--repeat', '1', '--on', 'kubernetes', '--namespace', NS, '--parallel', '1', '--out', out], { env, reject: false, timeout: 400_000 });
    // While it runs: the pod holds the lab and the service's container (a native sidecar, running), one PID namespace.
    const pod = await waitFor(
      'the shard running with its service container',
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: `${LABEL.owner}=${ownerOf(home)}` })).items;
        return pods.find((p) => p.status?.phase === 'Running' && p.status.initContainerStatuses?.some((c) => c.name === 'svc-orders-node' && c.state?.running));
      },
      180_000,
    );
    expect(pod.spec?.shareProcessNamespace).toBe(true);
    expect(pod.spec?.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([['svc-orders-node', 'Always']]);
    const r = await child;
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'runs', 'service.load=0.5', 'seed-1', 'summary.json'), 'utf8')) as {
      dns: { emptyRecordPublished: boolean };
      services: { name: string; verdict: string; firstError: { error: string } | null; phases: { name: string; dynamodbCallsPerRequest: number | null }[] }[];
    };
    expect(s.dns.emptyRecordPublished, 'the premise: the record went empty').toBe(true);
    const svc = s.services[0]!;
    expect(svc.name).toBe('orders-node');
    // Its SDK asked the pod's resolv.conf (the lab's CoreDNS) and got no address while the record was empty.
    expect(svc.firstError?.error).toContain('getaddrinfo ENOTFOUND');
    // Its calls reached the stand-in under its own key before the outage, and it recovered (ρ 0.21, predicted 0.41 × … ≤ 1).
    expect(svc.phases.find((p) => p.name === 'steady')!.dynamodbCallsPerRequest!).toBeGreaterThan(0.9);
    expect(svc.verdict).toBe('recovered');
    expect(await ours()).toEqual({ jobs: [], pods: [] });
  });

  it('Ctrl-C deletes the Job and its pods within 10 s; after a SIGKILL, `down` finds them by label', async () => {
    const run = () => execa(process.execPath, [BIN, ...SMALL_SWEEP, '--parallel', '2', '--out', join(root, `int-${Date.now()}`)], { env, reject: false });
    const a = run();
    await waitFor('a running shard', async () => (await ours()).pods.find((p) => p.phase === 'Running'), 120_000);
    const sent = Date.now();
    a.kill('SIGINT');
    await waitFor('the Job and pods deleted', async () => {
      const o = await ours();
      return o.jobs.length === 0 && o.pods.length === 0 ? true : undefined;
    }, 15_000);
    const tookMs = Date.now() - sent;
    expect(tookMs).toBeLessThan(10_000);
    process.stderr.write(`[kubernetes.test] Ctrl-C → Job and pods deleted in ${tookMs} ms\n`);
    expect((await a).exitCode).toBe(130);

    const b = run();
    await waitFor('a running shard', async () => (await ours()).pods.find((p) => p.phase === 'Running'), 120_000);
    b.kill('SIGKILL');
    await b;
    expect((await ours()).jobs).toHaveLength(1); // left behind, labelled
    const down = await cli(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toContain('deleted 1 Kubernetes Job(s) a killed run left');
    await waitFor('them gone', async () => {
      const o = await ours();
      return o.jobs.length === 0 && o.pods.length === 0 ? true : undefined;
    }, 20_000);
  });

  it('gameday --quick --on kubernetes: the arm runs as a shard and writes the reports a local game day writes', async () => {
    const out = join(root, 'gameday');
    const r = await cli(['gameday', '--quick', '--arms', 'best', '--on', 'kubernetes', '--namespace', NS, '--parallel', '1', '--no-progress', '--out', out], 400_000);
    if (existsSync(join(out, 'arms', 'best', 'timeline.ndjson'))) assertTriggered(readHistory(join(out, 'arms', 'best', 'timeline.ndjson')), 'the arm on the cluster');
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    for (const f of ['report.md', 'report.html', 'comparison.json', 'junit.xml', 'arms/best/summary.json', 'arms/best/timeline.ndjson', 'arms/best/report.md']) expect(existsSync(join(out, f)), f).toBe(true);
    const c = ComparisonSchema.parse(JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')));
    expect(c.arms[0]).toMatchObject({ name: 'best', verdict: 'pass', metastable: false, recoveredBy: 'self' });
    expect(c.arms[0]!.ratioToBound!).toBeLessThan(1.6);
    // The history came back whole: the report re-analyses it to the same figures.
    const again = await cli(['report', out]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(ComparisonSchema.parse(JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8'))).arms).toEqual(c.arms);
  });
});
