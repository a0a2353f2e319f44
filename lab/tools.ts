/**
 * The real infrastructure binaries: where they are, and how the project installs them on a fresh
 * machine (Redis from Debian's package, CoreDNS and Toxiproxy built with Go from their modules
 * into a git-ignored cache).
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { UserError } from '../core/errors.ts';
import { buildTopology } from '../topology/topology.ts';
import { PROJECT_ROOT, toolsDir } from '../core/paths.ts';
import { ensureServiceBundles } from './service-bundles.ts';

export type ProgramName =
  | 'redis-server'
  | 'coredns'
  | 'toxiproxy-server'
  | 'prometheus'
  | 'promtool'
  | 'prometheus-blackbox-exporter'
  | 'prometheus-alertmanager'
  | 'amtool'
  | 'moto-server'
  | KubernetesProgram;

/** The single-node cluster's programs (`outage-lab cluster up`), installed only when asked for. */
export type KubernetesProgram = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubelet' | 'etcd' | 'containerd' | 'ctr' | 'runc' | 'cni-loopback' | 'outage-lab-pause' | 'outage-lab-launch';

/** What a lab runs (in either runtime); the Kubernetes group runs the cluster, not a lab. */
export type LabProgram = Exclude<ProgramName, KubernetesProgram | 'moto-server'>;

/** Groups installed only when asked for: the single-node cluster, and moto (the DynamoDB differential test's other implementation). */
export type ToolGroup = 'kubernetes' | 'moto';

/** The Kubernetes the cluster is built from (its Go module, with each staging module pinned). */
export const KUBERNETES_VERSION = 'v1.34.3';
const kubeVersionFlags = ['-X', `k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`, '-X', 'k8s.io/component-base/version.gitMajor=1', '-X', 'k8s.io/component-base/version.gitMinor=34', '-X', `k8s.io/client-go/pkg/version.gitVersion=${KUBERNETES_VERSION}`];
const kube = (cmd: string): ProgramInfo => ({
  envVar: `OUTAGE_LAB_${cmd.toUpperCase().replace(/-/g, '_')}`,
  what: cmd,
  group: 'kubernetes',
  go: { moduleDir: 'tools/kubernetes', pkg: `k8s.io/kubernetes/cmd/${cmd}`, ldflags: kubeVersionFlags },
});

interface GoBuild {
  /** The Go module (under tools/) that pins the upstream version. */
  readonly moduleDir: string;
  /** What to build inside it. */
  readonly pkg: string;
  /** Linker flags beyond -s -w (e.g. the version a binary reports). */
  readonly ldflags?: readonly string[];
}

interface ProgramInfo {
  readonly envVar: string;
  readonly what: string;
  readonly go?: GoBuild;
  readonly aptPackage?: string;
  /** The package's install would start its own daemon (on 0.0.0.0): installed with services held off. */
  readonly aptStartsDaemon?: boolean;
  /** Where the package puts it when that is not on PATH (the CNI plugins). */
  readonly fixedPath?: string;
  /** A Python program from PyPI, installed with pip into a virtual environment of its own under .tools/venvs/. */
  readonly pip?: { readonly venv: string; readonly requirement: string; readonly bin: string };
  /** Installed only when this group is asked for (`install --kubernetes`, `install --moto`, `cluster up`). */
  readonly group?: ToolGroup;
}

export const PROGRAMS: Record<ProgramName, ProgramInfo> = {
  'redis-server': { envVar: 'OUTAGE_LAB_REDIS_SERVER', what: 'Redis server', aptPackage: 'redis-server' },
  coredns: { envVar: 'OUTAGE_LAB_COREDNS', what: 'CoreDNS', go: { moduleDir: 'tools/coredns', pkg: '.' } },
  'toxiproxy-server': {
    envVar: 'OUTAGE_LAB_TOXIPROXY',
    what: 'Toxiproxy server',
    go: { moduleDir: 'tools/toxiproxy', pkg: 'github.com/Shopify/toxiproxy/v2/cmd/server' },
  },
  // The monitoring (--monitoring prometheus): Debian's builds, as people run them.
  prometheus: { envVar: 'OUTAGE_LAB_PROMETHEUS', what: 'Prometheus', aptPackage: 'prometheus', aptStartsDaemon: true },
  promtool: { envVar: 'OUTAGE_LAB_PROMTOOL', what: "Prometheus's promtool", aptPackage: 'prometheus', aptStartsDaemon: true },
  'prometheus-blackbox-exporter': { envVar: 'OUTAGE_LAB_BLACKBOX_EXPORTER', what: 'the Prometheus blackbox exporter', aptPackage: 'prometheus-blackbox-exporter', aptStartsDaemon: true },
  'prometheus-alertmanager': { envVar: 'OUTAGE_LAB_ALERTMANAGER', what: 'Prometheus Alertmanager', aptPackage: 'prometheus-alertmanager', aptStartsDaemon: true },
  amtool: { envVar: 'OUTAGE_LAB_AMTOOL', what: "Alertmanager's amtool", aptPackage: 'prometheus-alertmanager', aptStartsDaemon: true },
  // The single-node Kubernetes (`outage-lab cluster up`): built from its Go module, and Debian's
  // etcd, containerd, runc and CNI plugins.
  'kube-apiserver': kube('kube-apiserver'),
  'kube-controller-manager': kube('kube-controller-manager'),
  'kube-scheduler': kube('kube-scheduler'),
  kubelet: kube('kubelet'),
  etcd: { envVar: 'OUTAGE_LAB_ETCD', what: 'etcd', aptPackage: 'etcd-server', aptStartsDaemon: true, group: 'kubernetes' },
  containerd: { envVar: 'OUTAGE_LAB_CONTAINERD', what: 'containerd', aptPackage: 'containerd', aptStartsDaemon: true, group: 'kubernetes' },
  ctr: { envVar: 'OUTAGE_LAB_CTR', what: "containerd's ctr", aptPackage: 'containerd', aptStartsDaemon: true, group: 'kubernetes' },
  runc: { envVar: 'OUTAGE_LAB_RUNC', what: 'runc', aptPackage: 'runc', group: 'kubernetes' },
  'cni-loopback': { envVar: 'OUTAGE_LAB_CNI_LOOPBACK', what: 'the loopback CNI plugin', aptPackage: 'containernetworking-plugins', fixedPath: '/usr/lib/cni/loopback', group: 'kubernetes' },
  // The pod sandbox's pause program: ours, a static Go program that waits for SIGTERM.
  // moto's DynamoDB in server mode: the other implementation of DynamoDB's protocol the stand-in is tested against.
  'moto-server': { envVar: 'OUTAGE_LAB_MOTO_SERVER', what: "moto's server (moto[server])", group: 'moto', pip: { venv: 'moto', requirement: 'moto[server]==5.2.5', bin: 'moto_server' } },
  'outage-lab-pause': { envVar: 'OUTAGE_LAB_PAUSE', what: 'the pause program', group: 'kubernetes', go: { moduleDir: 'tools/pause', pkg: '.' } },
  // Starts a user's service in its own container of a shard's pod when the lab there says so (tools/launch).
  'outage-lab-launch': { envVar: 'OUTAGE_LAB_LAUNCH', what: "the pod's service launcher", group: 'kubernetes', go: { moduleDir: 'tools/launch', pkg: '.' } },
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function builtPath(name: ProgramName, env: NodeJS.ProcessEnv): string {
  return join(toolsDir(env), 'bin', name);
}

function fromEnv(name: ProgramName, env: NodeJS.ProcessEnv): string | undefined {
  const info = PROGRAMS[name];
  const value = env[info.envVar];
  if (!value) return undefined;
  if (!existsSync(value)) {
    throw new UserError(`${info.envVar}=${value} does not exist: point it at a ${info.what} binary, or unset it to use the one \`npx outage-lab install\` provides`);
  }
  if (!isExecutable(value)) {
    throw new UserError(`${info.envVar}=${value} is not executable: chmod +x it, or unset ${info.envVar} to use the one \`npx outage-lab install\` provides`);
  }
  return value;
}

/** The binary to run for a program, or a UserError saying how to get one. */
export function resolveProgram(name: ProgramName, env: NodeJS.ProcessEnv = process.env): string {
  const info = PROGRAMS[name];
  const explicit = fromEnv(name, env);
  if (explicit) return explicit;
  const built = builtPath(name, env);
  if (info.go && isExecutable(built)) return built;
  if (info.pip) {
    const bin = venvBin(info.pip, env);
    if (isExecutable(bin)) return bin;
    throw new UserError(`${info.what} not found at ${bin}: run \`npx outage-lab install --${info.group}\` (pip install ${info.pip.requirement} into a virtual environment), or set ${info.envVar} to an existing ${info.pip.bin}`);
  }
  if (info.aptPackage) {
    const onPath = info.fixedPath ? (isExecutable(info.fixedPath) ? info.fixedPath : undefined) : findOnPath(name, env);
    if (onPath) return onPath;
    throw new UserError(
      `${info.what} not found (no ${name} on PATH): run \`npx outage-lab install\` (installs Debian's ${info.aptPackage}, needs root) or \`sudo apt-get install ${info.aptPackage}\`, or set ${info.envVar} to an existing ${name} binary`,
    );
  }
  throw new UserError(
    `${info.what} not found at ${built}: run \`npx outage-lab install\` to build it with Go, or set ${info.envVar} to an existing ${name} binary`,
  );
}

export type Log = (line: string) => void;

export function findGo(env: NodeJS.ProcessEnv): string | undefined {
  return findOnPath('go', env) ?? ['/usr/local/go/bin/go', join(env.HOME ?? '/root', 'go', 'bin', 'go')].find(isExecutable);
}

/** A fingerprint of what a Go build depends on: its module files and the Go version. */
function buildStamp(go: GoBuild, goVersion: string): string {
  const dir = join(PROJECT_ROOT, go.moduleDir);
  const hash = createHash('sha256').update(goVersion).update(go.pkg).update((go.ldflags ?? []).join(' '));
  for (const f of readdirSync(dir).sort()) {
    if (f === 'go.mod' || f === 'go.sum' || f.endsWith('.go')) hash.update(f).update(readFileSync(join(dir, f)));
  }
  return hash.digest('hex');
}

/** Prints a heartbeat while a long step runs, so a first install never looks hung. */
export function heartbeat(log: Log, label: string, detail: () => string): () => void {
  const started = Date.now();
  const timer = setInterval(() => log(`${label}: ${Math.round((Date.now() - started) / 1000)} s, ${detail()}`), 5000);
  return () => clearInterval(timer);
}

async function buildWithGo(name: ProgramName, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const info = PROGRAMS[name];
  const go = info.go!;
  const goBin = findGo(env);
  if (!goBin) {
    throw new UserError(
      `Go is needed to build ${info.what} and was not found on PATH or in /usr/local/go/bin: install Go ≥ 1.26 from your distribution or the Go module proxy's toolchain, or set ${info.envVar} to an existing ${name} binary`,
    );
  }
  // execa loads in ~150 ms: only the install path pays for it.
  const { execa } = await import('execa');
  const { stdout: goVersion } = await execa(goBin, ['env', 'GOVERSION'], { env });
  const target = builtPath(name, env);
  const stampFile = `${target}.stamp`;
  const stamp = buildStamp(go, goVersion.trim());
  if (isExecutable(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`${name}: cached at ${target}`);
    return;
  }
  await mkdir(join(toolsDir(env), 'bin'), { recursive: true });
  const tmp = `${target}.building`;
  log(`${name}: building ${go.pkg === '.' ? go.moduleDir : go.pkg} with ${goVersion.trim()} (first time: a few minutes, mostly module downloads)`);
  let downloads = 0;
  let packages = 0;
  const stop = heartbeat(log, `${name}`, () => `${downloads} modules downloaded, ${packages} packages compiled`);
  const started = Date.now();
  try {
    const child = execa(goBin, ['build', '-v', '-trimpath', `-ldflags=-s -w ${(go.ldflags ?? []).join(' ')}`.trim(), '-o', tmp, go.pkg], {
      cwd: join(PROJECT_ROOT, go.moduleDir),
      env: { ...env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
      all: true,
      buffer: { all: true },
    });
    child.all?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.startsWith('go: downloading')) downloads++;
        else if (line.trim() && !line.startsWith('#')) packages++;
      }
    });
    await child;
  } catch (err) {
    const all = (err as { all?: string }).all ?? String(err);
    const tail = all.trim().split('\n').slice(-5).join(' | ');
    throw new UserError(`building ${name} with Go failed: ${tail} — check network access to the Go module proxy (GOPROXY), or set ${info.envVar} to an existing binary`);
  } finally {
    stop();
  }
  await rename(tmp, target);
  await writeFile(stampFile, stamp);
  log(`${name}: built in ${Math.round((Date.now() - started) / 1000)} s → ${target}`);
}

const venvBin = (pip: NonNullable<ProgramInfo['pip']>, env: NodeJS.ProcessEnv) => join(toolsDir(env), 'venvs', pip.venv, 'bin', pip.bin);

/** pip-installs a PyPI program into its own virtual environment (python3 -m venv; Debian's python3-venv when missing). */
async function installWithPip(name: ProgramName, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const info = PROGRAMS[name];
  const pip = info.pip!;
  const dir = join(toolsDir(env), 'venvs', pip.venv);
  const stampFile = join(dir, 'outage-lab.stamp');
  if (isExecutable(venvBin(pip, env)) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === pip.requirement) {
    log(`${name}: cached at ${venvBin(pip, env)}`);
    return;
  }
  const python = findOnPath('python3', env);
  if (!python) throw new UserError(`${info.what} needs python3, which is not on PATH: install python3 and python3-venv (apt-get install python3-venv), or set ${info.envVar} to an existing ${pip.bin}`);
  const { execa } = await import('execa');
  const started = Date.now();
  await rm(dir, { recursive: true, force: true });
  const venv = () => execa(python, ['-m', 'venv', dir], { env });
  try {
    await venv();
  } catch (err) {
    // Debian's python3 has no ensurepip without python3-venv.
    if (!/ensurepip|venv/.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
    await installAptPackages(['python3-venv'], { envVar: info.envVar, what: 'python3-venv' }, false, env, log);
    await rm(dir, { recursive: true, force: true });
    await venv();
  }
  log(`${name}: pip install ${pip.requirement} (first time: ~30 s from PyPI)`);
  const stop = heartbeat(log, name, () => 'pip still working');
  try {
    await execa(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', pip.requirement], { env });
  } catch (err) {
    const tail = ((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').slice(-3).join(' | ');
    throw new UserError(`pip install ${pip.requirement} failed: ${tail} — check network access to PyPI (PIP_INDEX_URL), or set ${info.envVar} to an existing ${pip.bin}`);
  } finally {
    stop();
  }
  await writeFile(stampFile, pip.requirement);
  log(`${name}: installed in ${Math.round((Date.now() - started) / 1000)} s → ${venvBin(pip, env)}`);
}

/**
 * Installs Debian packages with one apt-get run. Packages whose install would start their own
 * daemon (Prometheus and friends listen on every interface by default) are installed with a
 * policy-rc.d that forbids starting services, removed afterwards: nothing but the lab's own
 * processes, on loopback, ever runs.
 */
async function installWithApt(names: readonly ProgramName[], env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const pkgs = [...new Set(names.map((n) => PROGRAMS[n].aptPackage!))];
  await installAptPackages(pkgs, PROGRAMS[names[0]!], names.some((n) => PROGRAMS[n].aptStartsDaemon), env, log);
}

export async function installAptPackages(pkgs: readonly string[], first: Pick<ProgramInfo, 'envVar' | 'what'>, startsDaemon: boolean, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const apt = findOnPath('apt-get', env);
  const isRoot = process.getuid?.() === 0;
  if (!apt) {
    throw new UserError(`${first.what} is missing and this machine has no apt-get: install ${pkgs.join(' ')} with your package manager, or set ${first.envVar} to an existing binary`);
  }
  if (!isRoot) {
    throw new UserError(`${pkgs.join(', ')} missing and installing needs root: run \`sudo apt-get install -y ${pkgs.join(' ')}\`, or set ${first.envVar} (and the like) to existing binaries`);
  }
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const { execa } = await import('execa');
  const stop = heartbeat(log, pkgs.join(', '), () => 'apt-get still working');
  const policy = '/usr/sbin/policy-rc.d';
  const holdDaemons = startsDaemon && !existsSync(policy);
  try {
    log(`${pkgs.join(', ')}: apt-get update`);
    await execa(apt, ['update'], { env: aptEnv });
    if (holdDaemons) await writeFile(policy, '#!/bin/sh\n# outage-lab: no service starts while its packages install\nexit 101\n', { mode: 0o755 });
    log(`${pkgs.join(', ')}: apt-get install -y ${pkgs.join(' ')}`);
    await execa(apt, ['install', '-y', '--no-install-recommends', ...pkgs], { env: aptEnv });
  } catch (err) {
    const tail = ((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').slice(-3).join(' | ');
    throw new UserError(`apt-get install ${pkgs.join(' ')} failed: ${tail} — fix the package source, or set ${first.envVar} to an existing binary`);
  } finally {
    if (holdDaemons) await rm(policy, { force: true });
    stop();
  }
}

const present = (n: ProgramName, env: NodeJS.ProcessEnv) => {
  const info = PROGRAMS[n];
  return info.fixedPath ? isExecutable(info.fixedPath) : findOnPath(n, env) !== undefined;
};

/**
 * Makes every program resolvable, installing or building what is missing, and bundles our
 * services. The Kubernetes group (a few minutes of Go build the first time) only with `kubernetes`.
 */
export async function installTools(log: Log, env: NodeJS.ProcessEnv = process.env, opts: { kubernetes?: boolean; moto?: boolean } = {}): Promise<Partial<Record<ProgramName, string>>> {
  const out: Partial<Record<ProgramName, string>> = {};
  const names = (Object.keys(PROGRAMS) as ProgramName[]).filter((n) => {
    const g = PROGRAMS[n].group;
    return g === undefined || opts[g] === true;
  });
  const fromApt = names.filter((n) => !fromEnv(n, env) && PROGRAMS[n].aptPackage && !present(n, env));
  if (fromApt.length) await installWithApt(fromApt, env, log);
  for (const name of names) {
    const info = PROGRAMS[name];
    const explicit = fromEnv(name, env);
    if (explicit) {
      log(`${name}: using ${info.envVar}=${explicit}`);
    } else if (info.go) {
      await buildWithGo(name, env, log);
    } else if (info.pip) {
      await installWithPip(name, env, log);
    } else if (!fromApt.includes(name)) {
      log(`${name}: found ${resolveProgram(name, env)}`);
    }
    out[name] = resolveProgram(name, env);
  }
  const started = Date.now();
  const entries = [...new Set(buildTopology().components.flatMap((c) => (c.entry ? [c.entry] : [])))];
  const dir = await ensureServiceBundles(entries);
  log(`services: ${entries.length} bundled in ${Date.now() - started} ms → ${dir}`);
  return out;
}
