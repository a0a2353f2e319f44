/**
 * How components are run. The local runtime starts child processes on loopback; a Docker runtime
 * runs the same specs as host-network containers. Both take the same ProcessSpec, and both record
 * enough in a StartedComponent that another process (`outage-lab down` from another shell) can
 * find and stop what was started.
 */
import type { ProgramName } from './tools.ts';

export type ReadyProbe =
  | { readonly kind: 'redis'; readonly address: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: string };

export interface ProcessSpec {
  readonly name: string;
  /** A real infrastructure binary, or "node" for one of our TypeScript services. */
  readonly program: ProgramName | 'node';
  /** For "node": the entry module relative to the project root; otherwise unused. */
  readonly entry?: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly address: string;
  readonly port: number;
  readonly ready: ReadyProbe;
}

export interface StartedComponent {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly pid: number;
  /** Kernel start time of the process (clock ticks since boot), so a reused pid is never mistaken for ours. */
  readonly startTicks: number;
  readonly logFile: string;
  readonly ready: ReadyProbe;
  /** ms from the start of `up` until the component answered its readiness probe. */
  readyAfterMs?: number;
}

export interface Runtime {
  readonly kind: 'local';
  start(spec: ProcessSpec, logDir: string): Promise<StartedComponent>;
  isAlive(c: StartedComponent): boolean;
  /** Stops the component: SIGTERM, then SIGKILL after `graceMs`. Resolves once it is gone. */
  stop(c: StartedComponent, graceMs?: number): Promise<void>;
}
