/**
 * How components are run, behind one interface (testcontainers-node's habit): the local runtime
 * starts child processes on loopback, the Docker runtime runs the same specs as host-network
 * containers. `start()` returns a StartedComponent whose handle is opaque to everything but its
 * runtime and serialisable, so `outage-lab down` from another shell (or after a crash) can stop
 * it. Every component carries the lab's labels, so leftovers are found by label, not by pid alone.
 */
import { UserError } from '../../core/errors.ts';
import type { LabProgram } from '../tools.ts';

export type ReadyProbe =
  | { readonly kind: 'redis'; readonly address: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: string }
  /** Toxiproxy answers its API (asked through its client). */
  | { readonly kind: 'toxiproxy'; readonly url: string }
  /** Prometheus answers ready and has discovered its scrape targets (its discovery sends them ~5 s after start). */
  | { readonly kind: 'prometheus'; readonly url: string };

export interface ProcessSpec {
  readonly name: string;
  /** A real infrastructure binary, "node" for one of our TypeScript services, or "command" for a user's service. */
  readonly program: LabProgram | 'node' | 'command';
  /** For "node": the entry module relative to the project root; otherwise unused. */
  readonly entry?: string;
  /** For "command": the program and its arguments, run in `cwd`. */
  readonly command?: readonly string[];
  readonly cwd?: string;
  /** For "command" in the Docker runtime: the service's image, built from its Dockerfile in this folder (the command is then the image's own). */
  readonly build?: { readonly dockerfile: string; readonly context: string; readonly tag: string };
  /** A resolv.conf the process sees as /etc/resolv.conf (its own mount namespace): a user's service meets the lab's DNS through its system resolver. */
  readonly resolvConf?: string;
  /** How long it has after SIGTERM before SIGKILL (default 5 s). */
  readonly stopGraceMs?: number;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly address: string;
  readonly port: number;
  readonly ready: ReadyProbe;
  /** Folders the component writes (its data, its run folder): mounted into containers. */
  readonly writes?: readonly string[];
}

/** The program of one of the lab's own components; a user's service (a "command") is refused where only those run. */
export function labProgramOf(spec: ProcessSpec, runtime: string): LabProgram | 'node' {
  if (spec.program === 'command') throw new UserError(`${spec.name}: the ${runtime} runtime does not run users' services from a command yet: use --runtime local`);
  return spec.program;
}

/** Which lab and run a component belongs to (Docker labels; environment variables for processes). */
export interface LabLabels {
  /** outage-lab.lab: the lab home (one lab per home). */
  readonly lab: string;
  /** outage-lab.run: the run folder. */
  readonly run: string;
}

export const LABEL_LAB = 'outage-lab.lab';
export const LABEL_RUN = 'outage-lab.run';
export const LABEL_COMPONENT = 'outage-lab.component';

export type ComponentHandle =
  | { readonly kind: 'process'; readonly pid: number; readonly startTicks: number }
  | { readonly kind: 'container'; readonly id: string; readonly container: string };

export interface StartedComponent {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** Opaque to everything but the runtime that made it. */
  readonly handle: ComponentHandle;
  readonly logFile: string;
  readonly ready: ReadyProbe;
  /** What was started, so the component can be restarted exactly. */
  readonly spec: ProcessSpec;
  /** ms from the start of `up` until the component answered its readiness probe. */
  readyAfterMs?: number;
}

export type ProcessSignal = 'kill' | 'pause' | 'resume';

export interface Runtime {
  readonly name: 'local' | 'docker' | 'sidecar';
  /** Gets ready to start these specs (the Docker runtime builds its images); may take long the first time. */
  prepare(specs: readonly ProcessSpec[], log: (line: string) => void): Promise<void>;
  start(spec: ProcessSpec, logDir: string, labels: LabLabels): Promise<StartedComponent>;
  isAlive(c: StartedComponent): Promise<boolean>;
  /** Graceful stop (SIGTERM), forced after `graceMs`; resolves once it is gone (and removed). */
  stop(c: StartedComponent, graceMs?: number): Promise<void>;
  /** kill: SIGKILL / docker kill; pause: SIGSTOP / docker pause; resume: SIGCONT / docker unpause. */
  signal(c: StartedComponent, sig: ProcessSignal): Promise<void>;
  /** CPU seconds the component has used so far (undefined when unknown). */
  cpuSeconds(c: StartedComponent): Promise<number | undefined>;
  /** Stops everything labelled with this lab that is still there (after a crash); returns what it stopped. */
  reap(lab: string): Promise<string[]>;
  /** "pid 1234" or "container 3f2a…", for status. */
  describe(c: StartedComponent): string;
}

/** Process and container control by component name, the same in every runtime (what process faults and the runbook's restart use). */
export interface ComponentControl {
  /** Kills the component at once (no graceful stop); it stays down until restarted. */
  kill(name: string): Promise<void>;
  /** Freezes the component (SIGSTOP, docker pause): connections stay open, nothing is answered. */
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  /** Stops the component if it runs and starts it again; resolves once it is ready. */
  restart(name: string): Promise<void>;
}
