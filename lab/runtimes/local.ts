/**
 * The local runtime: every component a child process on loopback. Each runs detached in its own
 * process group (so Ctrl-C in the terminal reaches only the CLI, which then stops them in order)
 * with stdout and stderr going to one log file per component. Processes carry the lab's labels as
 * environment variables, so a crashed harness's leftovers are found by label in /proc.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { bundlePath } from '../service-bundles.ts';
import { isSameProcessAlive, processCpuSeconds, processesWithEnv, processStartTicks, sleep } from '../proc.ts';
import type { LabLabels, ProcessSignal, ProcessSpec, Runtime, StartedComponent } from './runtime.ts';
import { resolveProgram } from '../tools.ts';
import { inOwnResolver, mountNamespaceMode } from '../system-resolver.ts';

export const ENV_LABEL_LAB = 'OUTAGE_LAB_LABEL_LAB';
export const ENV_LABEL_RUN = 'OUTAGE_LAB_LABEL_RUN';

const pidOf = (c: StartedComponent): { pid: number; startTicks: number } => {
  if (c.handle.kind !== 'process') throw new Error(`${c.name} was not started by the local runtime`);
  return c.handle;
};

export function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Starts a program detached in its own process group, its output appended to `logFile`; returns
 * its pid and kernel start time (a handle that survives pid reuse). Shared with the cluster.
 */
export async function startProcess(o: { name: string; file: string; args: readonly string[]; env: NodeJS.ProcessEnv; logFile: string; cwd?: string }): Promise<{ pid: number; startTicks: number }> {
  const fd = openSync(o.logFile, 'a');
  let child;
  try {
    child = spawn(o.file, o.args, { cwd: o.cwd ?? PROJECT_ROOT, env: o.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new UserError(`cannot start ${o.name} (${o.file}): ${err.message}`);
  }
  child.on('error', () => {});
  child.unref();
  // The kernel records the start time at fork; read it until /proc shows the new process.
  let startTicks = processStartTicks(pid);
  for (let i = 0; startTicks === undefined && i < 20; i++) {
    await sleep(5);
    startTicks = processStartTicks(pid);
  }
  if (startTicks === undefined) throw new UserError(`${o.name} exited immediately after starting; see ${o.logFile}`);
  return { pid, startTicks };
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it is gone. */
export async function stopProcess(pid: number, startTicks: number, graceMs = 5000): Promise<void> {
  const alive = () => isSameProcessAlive(pid, startTicks);
  if (!alive()) return;
  signalGroup(pid, 'SIGCONT'); // a paused process cannot act on SIGTERM
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive()) return;
    await sleep(20);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(); i++) await sleep(20);
}

export class LocalRuntime implements Runtime {
  readonly name = 'local' as const;

  /** `bundleDir`: where ensureServiceBundles put our services' bundles (needed to start them). */
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly bundleDir?: string,
  ) {}

  async prepare(specs: readonly ProcessSpec[]): Promise<void> {
    for (const s of specs) {
      if (s.program === 'command') {
        if (s.resolvConf) mountNamespaceMode();
      } else if (s.program !== 'node') resolveProgram(s.program, this.env);
    }
  }

  command(spec: ProcessSpec): { file: string; args: string[] } {
    if (spec.program === 'command') {
      if (!spec.command?.length) throw new Error(`component ${spec.name}: a command program needs its command`);
      return spec.resolvConf ? inOwnResolver(mountNamespaceMode(), spec.resolvConf, spec.command) : { file: spec.command[0]!, args: spec.command.slice(1) };
    }
    if (spec.program === 'node') {
      if (!spec.entry || !this.bundleDir) throw new Error(`component ${spec.name}: a node program needs an entry module and a bundle folder`);
      return { file: process.execPath, args: ['--enable-source-maps', bundlePath(this.bundleDir, spec.entry), ...spec.args] };
    }
    return { file: resolveProgram(spec.program, this.env), args: [...spec.args] };
  }

  async start(spec: ProcessSpec, logDir: string, labels: LabLabels): Promise<StartedComponent> {
    const { file, args } = this.command(spec);
    const logFile = join(logDir, `${spec.name}.log`);
    const { pid, startTicks } = await startProcess({ name: spec.name, file, args, env: { ...this.env, ...spec.env, [ENV_LABEL_LAB]: labels.lab, [ENV_LABEL_RUN]: labels.run }, logFile, ...(spec.cwd ? { cwd: spec.cwd } : {}) });
    return { name: spec.name, address: spec.address, port: spec.port, handle: { kind: 'process', pid, startTicks }, logFile, ready: spec.ready, spec };
  }

  async isAlive(c: StartedComponent): Promise<boolean> {
    const { pid, startTicks } = pidOf(c);
    return isSameProcessAlive(pid, startTicks);
  }

  async stop(c: StartedComponent, graceMs = c.spec.stopGraceMs ?? 5000): Promise<void> {
    const { pid, startTicks } = pidOf(c);
    await stopProcess(pid, startTicks, graceMs);
  }

  async signal(c: StartedComponent, sig: ProcessSignal): Promise<void> {
    const { pid } = pidOf(c);
    signalGroup(pid, sig === 'kill' ? 'SIGKILL' : sig === 'pause' ? 'SIGSTOP' : 'SIGCONT');
    if (sig === 'kill') for (let i = 0; i < 100 && (await this.isAlive(c)); i++) await sleep(10);
  }

  async cpuSeconds(c: StartedComponent): Promise<number | undefined> {
    return processCpuSeconds(pidOf(c).pid);
  }

  async reap(lab: string): Promise<string[]> {
    const pids = processesWithEnv(ENV_LABEL_LAB, lab);
    for (const pid of pids) signalGroup(pid, 'SIGCONT');
    for (const pid of pids) signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && pids.some((p) => processStartTicks(p) !== undefined)) await sleep(50);
    for (const pid of pids) if (processStartTicks(pid) !== undefined) signalGroup(pid, 'SIGKILL');
    return pids.map((p) => `pid ${p}`);
  }

  describe(c: StartedComponent): string {
    return `pid ${pidOf(c).pid}`;
  }
}
