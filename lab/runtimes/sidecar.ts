/**
 * The sidecar runtime: a lab inside an outage-lab Job's pod whose users' services run in their
 * own containers of that pod, from their own images (a shard's runner image has no JVM, no Python,
 * no user code). The lab's components are local processes, as in the local runtime; a user's
 * service is started by the launcher (tools/launch) that its container runs: the lab writes
 * `start.json` — the service's environment and resolv.conf — into the folder the two containers
 * share (OUTAGE_LAB_GUESTS/<component>), and the launcher writes /etc/resolv.conf of its
 * container, starts the image's command in a process group of its own and answers with its pid.
 * The pod shares one PID namespace, so from then on the service is a process like any other here:
 * stopped, killed, paused and watched through signals and /proc by the local runtime's code.
 *
 * Chosen by the shard inside the pod, never on the command line.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { processStartTicks, sleep } from '../proc.ts';
import { ENV_LABEL_LAB, ENV_LABEL_RUN, LocalRuntime } from './local.ts';
import type { LabLabels, ProcessSignal, ProcessSpec, Runtime, StartedComponent } from './runtime.ts';

/** The folder a shard's pod shares between its lab and its services' containers. */
export const ENV_GUESTS = 'OUTAGE_LAB_GUESTS';

/** The launcher's files in a service's folder (tools/launch/main.go). */
export const LAUNCH_FILES = { start: 'start.json', started: 'started.json', log: 'service.log' } as const;

/** How long the launcher has to answer a start. */
const STARTED_MS = 30_000;

export class SidecarRuntime implements Runtime {
  readonly name = 'sidecar' as const;
  private readonly local: LocalRuntime;
  /** Where each service's log goes in the run folder once it stops. */
  private readonly logDirs = new Map<string, string>();

  private constructor(
    env: NodeJS.ProcessEnv,
    bundleDir: string | undefined,
    private readonly guests: string,
    /** How long a service's container has to appear (its image is on the node already). */
    private readonly appearMs: number,
  ) {
    this.local = new LocalRuntime(env, bundleDir);
  }

  static async create(env: NodeJS.ProcessEnv, bundleDir?: string, o: { appearMs?: number } = {}): Promise<SidecarRuntime> {
    const dir = env[ENV_GUESTS];
    if (!dir) throw new UserError(`the sidecar runtime runs inside an outage-lab Job's pod, whose lab container has ${ENV_GUESTS} set: use --runtime local or docker here`);
    return new SidecarRuntime(env, bundleDir, dir, o.appearMs ?? 60_000);
  }

  /** A user's service needs nothing here (its image is in its container); the lab's own programs as in the local runtime. */
  prepare(specs: readonly ProcessSpec[]): Promise<void> {
    return this.local.prepare(specs.filter((s) => s.program !== 'command'));
  }

  async start(spec: ProcessSpec, logDir: string, labels: LabLabels): Promise<StartedComponent> {
    if (spec.program !== 'command') return this.local.start(spec, logDir, labels);
    const dir = join(this.guests, spec.name);
    for (const end = Date.now() + this.appearMs; !existsSync(dir); await sleep(100)) {
      if (Date.now() > end) throw new UserError(`${spec.name}: no container of this pod runs its launcher (${dir} did not appear within ${this.appearMs / 1000} s): the Job's pod has a container per service it was made for — was this one among them?`);
    }
    const seq = Date.now();
    const start = { seq, env: { ...spec.env, [ENV_LABEL_LAB]: labels.lab, [ENV_LABEL_RUN]: labels.run }, resolvConf: spec.resolvConf ? readFileSync(spec.resolvConf, 'utf8') : '' };
    const tmp = join(dir, `.${LAUNCH_FILES.start}.lab`);
    writeFileSync(tmp, JSON.stringify(start));
    renameSync(tmp, join(dir, LAUNCH_FILES.start));
    let answer: { seq?: number; pid?: number; error?: string } = {};
    for (const end = Date.now() + STARTED_MS; answer.seq !== seq; await sleep(50)) {
      if (Date.now() > end) throw new UserError(`${spec.name}: its container's launcher did not answer within ${STARTED_MS / 1000} s (see ${join(dir, LAUNCH_FILES.log)} and the container's log)`);
      try {
        answer = JSON.parse(readFileSync(join(dir, LAUNCH_FILES.started), 'utf8')) as typeof answer;
      } catch {
        answer = {};
      }
    }
    if (answer.error || answer.pid === undefined) throw new UserError(`${spec.name}: its container could not start it: ${answer.error ?? 'no pid'}`);
    const startTicks = processStartTicks(answer.pid);
    if (startTicks === undefined) throw new UserError(`${spec.name} exited immediately after starting; see ${join(dir, LAUNCH_FILES.log)}`);
    this.logDirs.set(spec.name, logDir);
    return { name: spec.name, address: spec.address, port: spec.port, handle: { kind: 'process', pid: answer.pid, startTicks }, logFile: join(dir, LAUNCH_FILES.log), ready: spec.ready, spec };
  }

  /** Stops it as the local runtime does (its group, SIGKILL after the grace); a service's log is then kept in the run folder too. */
  async stop(c: StartedComponent, graceMs?: number): Promise<void> {
    await this.local.stop(c, graceMs);
    const logDir = this.logDirs.get(c.name);
    if (logDir && existsSync(c.logFile)) copyFileSync(c.logFile, join(logDir, `${c.name}.log`));
  }

  isAlive(c: StartedComponent): Promise<boolean> {
    return this.local.isAlive(c);
  }

  signal(c: StartedComponent, sig: ProcessSignal): Promise<void> {
    return this.local.signal(c, sig);
  }

  cpuSeconds(c: StartedComponent): Promise<number | undefined> {
    return this.local.cpuSeconds(c);
  }

  reap(lab: string): Promise<string[]> {
    return this.local.reap(lab);
  }

  describe(c: StartedComponent): string {
    return this.local.describe(c);
  }
}
