import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './errors.ts';
import { PROJECT_ROOT } from './paths.ts';
import { bundlePath } from './service-bundles.ts';
import { isSameProcessAlive, processStartTicks, sleep } from './proc.ts';
import type { ProcessSpec, Runtime, StartedComponent } from './runtime.ts';
import { resolveProgram } from './tools.ts';

/**
 * Child processes on loopback. Each runs detached in its own process group (so Ctrl-C in the
 * terminal reaches only the CLI, which then stops them in order) with stdout and stderr going to
 * one log file per component.
 */
export class LocalRuntime implements Runtime {
  readonly kind = 'local' as const;

  /** `bundleDir`: where ensureServiceBundles put our services' bundles (needed to start them). */
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly bundleDir?: string,
  ) {}

  command(spec: ProcessSpec): { file: string; args: string[] } {
    if (spec.program === 'node') {
      if (!spec.entry || !this.bundleDir) throw new Error(`component ${spec.name}: a node program needs an entry module and a bundle folder`);
      return { file: process.execPath, args: ['--enable-source-maps', bundlePath(this.bundleDir, spec.entry), ...spec.args] };
    }
    return { file: resolveProgram(spec.program, this.env), args: [...spec.args] };
  }

  async start(spec: ProcessSpec, logDir: string): Promise<StartedComponent> {
    const { file, args } = this.command(spec);
    const logFile = join(logDir, `${spec.name}.log`);
    const fd = openSync(logFile, 'a');
    let child;
    try {
      child = spawn(file, args, {
        cwd: PROJECT_ROOT,
        env: { ...this.env, ...spec.env },
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new UserError(`cannot start ${spec.name} (${file}): ${err.message}`);
    }
    child.on('error', () => {});
    child.unref();
    // The kernel records the start time at fork; read it until /proc shows the new process.
    let startTicks = processStartTicks(pid);
    for (let i = 0; startTicks === undefined && i < 20; i++) {
      await sleep(5);
      startTicks = processStartTicks(pid);
    }
    if (startTicks === undefined) {
      throw new UserError(`${spec.name} exited immediately after starting; see ${logFile}`);
    }
    return { name: spec.name, address: spec.address, port: spec.port, pid, startTicks, logFile, ready: spec.ready };
  }

  isAlive(c: StartedComponent): boolean {
    return isSameProcessAlive(c.pid, c.startTicks);
  }

  async stop(c: StartedComponent, graceMs = 5000): Promise<void> {
    if (!this.isAlive(c)) return;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-c.pid, sig);
      } catch {
        try {
          process.kill(c.pid, sig);
        } catch {
          /* already gone */
        }
      }
    };
    signalGroup('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (!this.isAlive(c)) return;
      await sleep(20);
    }
    signalGroup('SIGKILL');
    for (let i = 0; i < 100 && this.isAlive(c); i++) await sleep(20);
  }
}
