/** The runtimes, chosen by name (`--runtime local|docker`; `sidecar` only inside a Job's pod); a factory builds the one a lab uses. */
import { InputError } from '../../core/errors.ts';
import { LocalRuntime } from './local.ts';
import type { Runtime } from './runtime.ts';

export type RuntimeName = Runtime['name'];

interface RuntimeEntry {
  readonly name: RuntimeName;
  readonly description: string;
  /** Chosen by outage-lab itself where it applies, not with --runtime. */
  readonly internal?: boolean;
  create(env: NodeJS.ProcessEnv, bundleDir?: string): Promise<Runtime>;
}

export const RUNTIMES: readonly RuntimeEntry[] = [
  { name: 'local', description: 'every component a child process on loopback (default)', create: async (env, bundleDir) => new LocalRuntime(env, bundleDir) },
  {
    name: 'docker',
    description: 'every component a host-network container driven through the Docker Engine API (dockerode); images built locally',
    // dockerode loads only when the Docker runtime is used.
    create: async (env, bundleDir) => (await import('./docker.ts')).DockerRuntime.connect(env, bundleDir),
  },
  {
    name: 'sidecar',
    description: "inside an outage-lab Job's pod: the lab's components local processes, each user's service in its own container of the pod",
    internal: true,
    create: async (env, bundleDir) => (await import('./sidecar.ts')).SidecarRuntime.create(env, bundleDir),
  },
];

/** What --runtime accepts. */
export const RUNTIME_NAMES = RUNTIMES.filter((r) => !r.internal).map((r) => r.name);

export function parseRuntimeName(raw: string | undefined): RuntimeName {
  const name = raw ?? 'local';
  if (!RUNTIME_NAMES.includes(name as RuntimeName)) throw new InputError(`--runtime ${name}: expected one of ${RUNTIME_NAMES.join(', ')}`);
  return name as RuntimeName;
}

export function createRuntime(name: RuntimeName, env: NodeJS.ProcessEnv, bundleDir?: string): Promise<Runtime> {
  const entry = RUNTIMES.find((r) => r.name === name);
  if (!entry) throw new InputError(`runtime ${name}: expected one of ${RUNTIME_NAMES.join(', ')}`);
  return entry.create(env, bundleDir);
}
