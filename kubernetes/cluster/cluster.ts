/**
 * `outage-lab cluster up|down|status`: a real single-node Kubernetes on this machine, as a fixture
 * of the project and for users without a cluster — etcd (Debian's), kube-apiserver,
 * kube-controller-manager (the Job controller among its defaults), kube-scheduler and the kubelet
 * (built from Kubernetes' Go module), containerd (Debian's, its own socket and folders) with runc
 * and the loopback CNI plugin — every listener on 127.0.0.1. Images are imported into containerd
 * (no registry): the locally built pause image as the sandbox, the runner image for labs.
 *
 * `down` deletes every pod through the API first (the kubelet tears their sandboxes down), stops
 * the components in reverse order, removes any container containerd still holds, unmounts what
 * is left under the cluster's folder and its sandboxes' network namespaces, and finds leftovers
 * of a crashed `up` by the label every process carries (OUTAGE_LAB_CLUSTER in its environment).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Agent, request } from 'undici';
import { UserError } from '../../core/errors.ts';
import { isFree } from '../../lab/ports.ts';
import { isSameProcessAlive, processesWithEnv, processStartTicks, sleep } from '../../lab/proc.ts';
import { signalGroup, startProcess, stopProcess } from '../../lab/runtimes/local.ts';
import { installTools, KUBERNETES_VERSION, resolveProgram, type Log, type ProgramName } from '../../lab/tools.ts';
import { clusterEndpoints, clusterTopology, type ClusterTopology } from '../../topology/cluster.ts';
import { clusterLayout, writeClusterFiles, type ClusterLayout } from './files.ts';
import { buildClusterImages, importImages } from './images.ts';

export const ENV_CLUSTER = 'OUTAGE_LAB_CLUSTER';

interface ClusterProcess {
  readonly name: string;
  readonly pid: number;
  readonly startTicks: number;
  readonly logFile: string;
}

export interface ClusterState {
  readonly version: 1;
  readonly startedAt: string;
  readonly kubernetes: string;
  readonly kubeconfig: string;
  readonly images: Record<string, string>;
  processes: ClusterProcess[];
}

export interface ClusterInfo {
  readonly up: boolean;
  readonly kubeconfig: string | null;
  readonly components: { name: string; pid: number; alive: boolean }[];
  readonly nodeReady: boolean;
  readonly images: Record<string, string>;
}

export const clusterRoot = (home: string) => join(home, 'cluster');

function readState(l: ClusterLayout): ClusterState | undefined {
  if (!existsSync(l.state)) return undefined;
  try {
    return JSON.parse(readFileSync(l.state, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

const saveState = (l: ClusterLayout, s: ClusterState) => writeFileSync(l.state, `${JSON.stringify(s, null, 2)}\n`);

/** An HTTPS GET to the API server (or a component) with the cluster's CA and token. */
async function apiGet(url: string, l: ClusterLayout, token: string | undefined, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  const ca = readFileSync(join(l.pki, 'ca.crt'));
  const agent = new Agent({ connect: { ca, rejectUnauthorized: url.includes(':6443') } });
  try {
    const res = await request(url, { dispatcher: agent, headers: token ? { authorization: `Bearer ${token}` } : {}, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    return { status: res.statusCode, body: await res.body.text() };
  } finally {
    await agent.close();
  }
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number, logFile: string, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ') : '(no log)';
      throw new UserError(`${what} was not ready within ${timeoutMs / 1000} s: ${tail} (log: ${logFile})`);
    }
    await sleep(200);
  }
}

function tokenOf(l: ClusterLayout): string {
  return readFileSync(l.tokens, 'utf8').split(',')[0]!;
}

/** The flags of each component, from the cluster's topology and files. */
function commands(t: ClusterTopology, l: ClusterLayout): { name: ProgramName; args: string[] }[] {
  const pki = (f: string) => join(l.pki, f);
  const a = t.address;
  return [
    {
      name: 'etcd',
      args: [
        '--name=outage-lab',
        `--data-dir=${l.etcdData}`,
        `--listen-client-urls=http://${a}:${t.etcd.client}`,
        `--advertise-client-urls=http://${a}:${t.etcd.client}`,
        `--listen-peer-urls=http://${a}:${t.etcd.peer}`,
        `--initial-advertise-peer-urls=http://${a}:${t.etcd.peer}`,
        `--initial-cluster=outage-lab=http://${a}:${t.etcd.peer}`,
        '--log-level=warn',
      ],
    },
    {
      name: 'kube-apiserver',
      args: [
        `--etcd-servers=http://${a}:${t.etcd.client}`,
        `--bind-address=${a}`,
        `--advertise-address=${a}`,
        `--secure-port=${t.apiserver}`,
        `--tls-cert-file=${pki('apiserver.crt')}`,
        `--tls-private-key-file=${pki('apiserver.key')}`,
        `--token-auth-file=${l.tokens}`,
        '--authorization-mode=AlwaysAllow',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${pki('sa.pub')}`,
        `--service-account-signing-key-file=${pki('sa.key')}`,
        `--service-cluster-ip-range=${t.serviceCidr}`,
        // Logs and exec reach the kubelet by its Hostname address: localhost, 127.0.0.1.
        '--kubelet-preferred-address-types=Hostname',
        // One API server on loopback: no endpoint reconciling (it would reject 127.0.0.1 every 10 s).
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        '--v=0',
      ],
    },
    {
      name: 'containerd',
      args: ['--config', l.containerdConfig, '--log-level', 'warn'],
    },
    {
      name: 'kube-controller-manager',
      args: [
        `--kubeconfig=${l.kubeconfig}`,
        `--bind-address=${a}`,
        `--secure-port=${t.controllerManager}`,
        `--service-account-private-key-file=${pki('sa.key')}`,
        `--root-ca-file=${pki('ca.crt')}`,
        '--leader-elect=false',
        '--profiling=false',
      ],
    },
    { name: 'kube-scheduler', args: [`--kubeconfig=${l.kubeconfig}`, `--bind-address=${a}`, `--secure-port=${t.scheduler}`, '--leader-elect=false', '--profiling=false'] },
    {
      name: 'kubelet',
      args: [
        `--config=${l.kubeletConfig}`,
        `--kubeconfig=${l.kubeconfig}`,
        `--root-dir=${l.kubeletRoot}`,
        `--cert-dir=${join(l.kubeletRoot, 'pki')}`,
        // The node's Hostname address is localhost (127.0.0.1), which the API server uses; a
        // loopback --node-ip is refused by the kubelet, so its InternalIP is the machine's own
        // (a status field nothing connects to).
        `--hostname-override=${t.nodeName}`,
        '--v=0',
      ],
    },
  ];
}

export async function clusterUp(o: { home: string; log: Log; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ClusterInfo> {
  const env = o.env ?? process.env;
  const t = clusterTopology();
  const l = clusterLayout(clusterRoot(o.home));
  const old = readState(l);
  if (old && old.processes.some((p) => isSameProcessAlive(p.pid, p.startTicks))) {
    throw new UserError(`a cluster is already up in ${l.root} (started ${old.startedAt}): \`outage-lab cluster status\`, or \`outage-lab cluster down\` first`);
  }
  await cleanup(l, o.log);
  for (const e of clusterEndpoints(t)) {
    if (!(await isFree(e.endpoint))) throw new UserError(`port ${e.endpoint.address}:${e.endpoint.port} (${e.owner}) is taken: stop what listens there (\`ss -ltnp | grep :${e.endpoint.port}\`)`);
  }
  const started = Date.now();
  o.log(`cluster: Kubernetes ${KUBERNETES_VERSION} — building or finding its programs (the first build takes minutes)…`);
  await installTools(o.log, env, { kubernetes: true });
  o.log(`cluster: programs ready after ${((Date.now() - started) / 1000).toFixed(0)} s; building the pause and runner images…`);
  const images = await buildClusterImages(env, o.log);
  await writeClusterFiles(l, t, images.pause);
  const state: ClusterState = { version: 1, startedAt: new Date().toISOString(), kubernetes: KUBERNETES_VERSION, kubeconfig: l.kubeconfig, images, processes: [] };
  saveState(l, state);
  const token = tokenOf(l);
  const ready: Record<string, () => Promise<boolean>> = {
    etcd: async () => (await request(`http://${t.address}:${t.etcd.client}/health`, { headersTimeout: 1000 }).then((r) => r.body.json())) !== undefined,
    'kube-apiserver': async () => (await apiGet(`https://${t.address}:${t.apiserver}/readyz`, l, token)).status === 200,
    containerd: async () => (await execa(resolveProgram('ctr', env), ['--address', l.containerdSocket, 'version'], { reject: false })).exitCode === 0,
    'kube-controller-manager': async () => (await apiGet(`https://${t.address}:${t.controllerManager}/healthz`, l, undefined)).status === 200,
    'kube-scheduler': async () => (await apiGet(`https://${t.address}:${t.scheduler}/healthz`, l, undefined)).status === 200,
    kubelet: async () => (await request(`http://${t.address}:${t.kubelet.healthz}/healthz`, { headersTimeout: 1000 }).then((r) => r.statusCode)) === 200,
  };
  try {
    for (const c of commands(t, l)) {
      const logFile = join(l.logs, `${c.name}.log`);
      const p = await startProcess({ name: c.name, file: resolveProgram(c.name, env), args: c.args, env: { ...env, [ENV_CLUSTER]: l.root }, logFile, cwd: l.root });
      state.processes.push({ name: c.name, ...p, logFile });
      saveState(l, state);
      await until(c.name, ready[c.name]!, 60_000, logFile, o.signal);
      if (c.name === 'containerd') await importImages(resolveProgram('ctr', env), l.containerdSocket, images, o.log);
    }
    await until('the node', async () => nodeReady(l, t, token), 90_000, join(l.logs, 'kubelet.log'), o.signal);
  } catch (err) {
    o.log(`cluster: ${(err as Error).message.split(':')[0]} failed; stopping what started`);
    await clusterDown({ home: o.home, log: o.log, env });
    throw err;
  }
  o.log(`cluster up in ${((Date.now() - started) / 1000).toFixed(0)} s; kubeconfig ${l.kubeconfig}`);
  return clusterStatus({ home: o.home, env });
}

async function nodeReady(l: ClusterLayout, t: ClusterTopology, token: string): Promise<boolean> {
  const r = await apiGet(`https://${t.address}:${t.apiserver}/api/v1/nodes/${t.nodeName}`, l, token);
  if (r.status !== 200) return false;
  const node = JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } };
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export async function clusterStatus(o: { home: string; env?: NodeJS.ProcessEnv }): Promise<ClusterInfo> {
  const l = clusterLayout(clusterRoot(o.home));
  const s = readState(l);
  if (!s) return { up: false, kubeconfig: null, components: [], nodeReady: false, images: {} };
  const components = s.processes.map((p) => ({ name: p.name, pid: p.pid, alive: isSameProcessAlive(p.pid, p.startTicks) }));
  const ready = components.every((c) => c.alive) && (await nodeReady(l, clusterTopology(), tokenOf(l)).catch(() => false));
  return { up: components.length > 0 && components.every((c) => c.alive), kubeconfig: s.kubeconfig, components, nodeReady: ready, images: s.images };
}

/** Every mount point under `dir` (deepest first), from this process's mountinfo. */
function mountsUnder(prefixes: readonly string[]): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines.map((ln) => ln.split(' ')[4]).filter((p): p is string => !!p && prefixes.some((d) => p === d || p.startsWith(`${d}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** The sandboxes' network namespaces containerd's CRI made (/run/netns/cni-*). */
const sandboxNetns = () => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('cni-')).map((n) => join('/run/netns', n)) : []);

/** Removes what a cluster left: its processes (by label), containerd shims, mounts, namespaces, files. */
async function cleanup(l: ClusterLayout, log: Log): Promise<string[]> {
  const gone: string[] = [];
  // Nothing of a cluster ever ran from this home: leave the machine alone (another home's cluster included).
  if (!existsSync(l.root) && !processesWithEnv(ENV_CLUSTER, l.root).length) return gone;
  const pids = [...processesWithEnv(ENV_CLUSTER, l.root), ...shimsOf(l)];
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  for (let i = 0; i < 50 && pids.some((p) => processStartTicks(p) !== undefined); i++) await sleep(100);
  for (const pid of pids) if (processStartTicks(pid) !== undefined) signalGroup(pid, 'SIGKILL');
  if (pids.length) gone.push(`${pids.length} process(es)`);
  const mounts = [...mountsUnder([l.root]), ...sandboxNetns().filter((p) => mountsUnder([p]).length)];
  for (const m of mounts) await execa('umount', ['-l', m], { reject: false });
  for (const ns of sandboxNetns()) rmSync(ns, { force: true });
  if (mounts.length) gone.push(`${mounts.length} mount(s)`);
  if (existsSync(l.root)) rmSync(l.root, { recursive: true, force: true });
  if (gone.length) log(`cluster: removed ${gone.join(', ')} left behind`);
  return gone;
}

/** containerd-shim processes serving this cluster's containerd (they outlive it). */
function shimsOf(l: ClusterLayout): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('containerd-shim') && cmd.includes(l.containerdSocket)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

export async function clusterDown(o: { home: string; log: Log; env?: NodeJS.ProcessEnv }): Promise<{ stopped: string[]; wasUp: boolean }> {
  const env = o.env ?? process.env;
  const l = clusterLayout(clusterRoot(o.home));
  const s = readState(l);
  const stopped: string[] = [];
  if (s) {
    const t = clusterTopology();
    const alive = (n: string) => s.processes.find((p) => p.name === n && isSameProcessAlive(p.pid, p.startTicks));
    // Pods first, through the API, so the kubelet stops their containers and sandboxes.
    if (alive('kube-apiserver') && alive('kubelet')) await deleteAllPods(l, t, tokenOf(l)).catch(() => {});
    // Then whatever containerd still runs.
    if (alive('containerd')) {
      const ctr = (args: string[]) => execa(resolveProgram('ctr', env), ['--address', l.containerdSocket, '-n', 'k8s.io', ...args], { reject: false });
      for (const id of (await ctr(['tasks', 'ls', '-q'])).stdout.split('\n').filter(Boolean)) await ctr(['tasks', 'kill', '-s', 'SIGKILL', id]);
      await sleep(300);
      for (const id of (await ctr(['containers', 'ls', '-q'])).stdout.split('\n').filter(Boolean)) {
        await ctr(['tasks', 'delete', '-f', id]);
        await ctr(['containers', 'delete', id]);
      }
    }
    for (const p of [...s.processes].reverse()) {
      if (!isSameProcessAlive(p.pid, p.startTicks)) continue;
      await stopProcess(p.pid, p.startTicks, 5000);
      stopped.push(p.name);
    }
  }
  await cleanup(l, o.log);
  return { stopped, wasUp: s !== undefined };
}

async function deleteAllPods(l: ClusterLayout, t: ClusterTopology, token: string): Promise<void> {
  const ca = readFileSync(join(l.pki, 'ca.crt'));
  const agent = new Agent({ connect: { ca } });
  const api = `https://${t.address}:${t.apiserver}`;
  const headers = { authorization: `Bearer ${token}` };
  try {
    const list = JSON.parse(await (await request(`${api}/api/v1/pods`, { dispatcher: agent, headers })).body.text()) as { items?: { metadata: { namespace: string; name: string } }[] };
    for (const p of list.items ?? []) {
      await request(`${api}/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}?gracePeriodSeconds=0`, { method: 'DELETE', dispatcher: agent, headers }).then((r) => r.body.dump());
    }
    // The kubelet stops them and removes their sandboxes (a few seconds at most).
    for (let i = 0; i < 50; i++) {
      const left = JSON.parse(await (await request(`${api}/api/v1/pods`, { dispatcher: agent, headers })).body.text()) as { items?: unknown[] };
      if (!left.items?.length && !sandboxNetns().length) break;
      await sleep(200);
    }
  } finally {
    await agent.close();
  }
}
