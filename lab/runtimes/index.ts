/** The runtimes, chosen by name (`--runtime local|docker`); a factory builds the one a lab uses. */
import { InputError } from '../../core/errors.ts';
import { LocalRuntime } from './local.ts';
import type { Runtime } from './runtime.ts';

export type RuntimeName = Runtime['name'];

interface RuntimeEntry {
  readonly name: RuntimeName;
  readonly description: string;
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
];

export const RUNTIME_NAMES = RUNTIMES.map((r) => r.name);

export function parseRuntimeName(raw: string | undefined): RuntimeName {
  const name = raw ?? 'local';
  if (!RUNTIMES.some((r) => r.name === name)) throw new InputError(`--runtime ${name}: expected one of ${RUNTIME_NAMES.join(', ')}`);
  return name as RuntimeName;
}

export function createRuntime(name: RuntimeName, env: NodeJS.ProcessEnv, bundleDir?: string): Promise<Runtime> {
  const entry = RUNTIMES.find((r) => r.name === name);
  if (!entry) throw new InputError(`runtime ${name}: expected one of ${RUNTIME_NAMES.join(', ')}`);
  return entry.create(env, bundleDir);
}
