/**
 * Starting a user's service in the lab, unchanged: its command in its folder, in its own mount
 * namespace whose /etc/resolv.conf names the lab's CoreDNS (local runtime), or its image built from
 * its Dockerfile, that resolv.conf mounted over the container's (Docker runtime), with the environment every AWS SDK
 * reads — the DynamoDB endpoint by its DNS name (so every connection the SDK opens resolves it
 * through the system resolver), the region, and an access key of its own, `<lab key>.<service>`,
 * by which the stand-in counts its calls (retries inside the SDK included). It listens where the
 * topology says, told through the variables its file names.
 *
 * A service that exits while starting, or is not ready within its readyTimeoutMs, fails the run
 * with the tail of its log (kept in the run folder's logs/); it is stopped either way.
 */
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { Lab } from '../lab/lab.ts';
import { guestImageTag } from '../lab/runtimes/docker-images.ts';
import type { RuntimeName } from '../lab/runtimes/index.ts';
import type { ProcessSpec, StartedComponent } from '../lab/runtimes/runtime.ts';
import { resolvConf } from '../lab/system-resolver.ts';
import { REGION, userServiceEndpoint, type Endpoint, type Topology } from '../topology/topology.ts';
import type { ServiceSpec } from './service-file.ts';

/** The access key a service signs with: the lab's key and the service's name. */
export const serviceAccessKey = (labKey: string, service: string) => `${labKey}.${service}`;

/** The component name a service runs under in the lab (its log is logs/<that>.log). */
export const componentName = (service: string) => `svc-${service}`;

export interface RunningService {
  readonly spec: ServiceSpec;
  readonly endpoint: Endpoint;
  readonly accessKeyId: string;
  readonly component: StartedComponent;
}

/** The environment the lab gives a service, on top of its file's `env`. */
export function serviceEnv(spec: ServiceSpec, topology: Topology, endpoint: Endpoint, accessKeyId: string): Record<string, string> {
  return {
    ...spec.env,
    [spec.listen.hostEnv]: endpoint.address,
    [spec.listen.portEnv]: String(endpoint.port),
    AWS_ENDPOINT_URL_DYNAMODB: `http://${topology.dynamodbName}:${topology.dynamodb.port}`,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'outage-lab-secret',
    // No instance metadata here: an SDK that looked for it would wait on a link-local address.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** How a runtime starts a service: its command (local), its image built from its Dockerfile (docker), or its container's own (sidecar). */
export function howToStart(spec: ServiceSpec, runtime: RuntimeName): Pick<ProcessSpec, 'command' | 'build'> {
  // In a Job's pod the image was built from the Dockerfile by the harness; its container runs the image's own command.
  if (runtime === 'sidecar') return {};
  if (runtime === 'docker') {
    if (!spec.start.dockerfile) throw new UserError(`${spec.file}: start.dockerfile: the Docker runtime builds ${spec.name}'s image from a Dockerfile: add one (docs/your-service.md), or use --runtime local`);
    return { command: [], build: { dockerfile: spec.start.dockerfile, context: spec.dir, tag: guestImageTag(componentName(spec.name), spec.dir, spec.start.dockerfile) } };
  }
  if (!spec.start.command) throw new UserError(`${spec.file}: start.command: the local runtime runs ${spec.name} from a command: add one, or use --runtime docker`);
  return { command: spec.start.command };
}

/** The process spec of a service in the lab's runtime. */
export function serviceProcessSpec(spec: ServiceSpec, topology: Topology, index: number, labKey: string, runDir: string, runtime: RuntimeName = 'local'): { process: ProcessSpec; endpoint: Endpoint; accessKeyId: string } {
  if (!topology.systemResolver) throw new Error('users\' services need the topology\'s system resolver (buildTopology({ systemResolver: true }))');
  const endpoint = userServiceEndpoint(topology, index);
  const accessKeyId = serviceAccessKey(labKey, spec.name);
  const conf = join(runDir, `resolv-${spec.name}.conf`);
  writeFileSync(conf, resolvConf(topology.systemResolver));
  const name = componentName(spec.name);
  return {
    endpoint,
    accessKeyId,
    process: {
      name,
      program: 'command',
      ...howToStart(spec, runtime),
      cwd: isAbsolute(spec.start.cwd) ? spec.start.cwd : resolve(spec.dir, spec.start.cwd),
      resolvConf: conf,
      args: [],
      env: serviceEnv(spec, topology, endpoint, accessKeyId),
      address: endpoint.address,
      port: endpoint.port,
      ready: { kind: 'http', url: `http://${endpoint.address}:${endpoint.port}${spec.ready.path}` },
      stopGraceMs: spec.start.stopGraceMs,
    },
  };
}

/** What the runtime needs to prepare a service before any lab starts (its image, in Docker). */
export function preparedSpec(spec: ServiceSpec, runtime: RuntimeName): ProcessSpec {
  return { name: componentName(spec.name), program: 'command', args: [], address: '127.0.0.1', port: 0, ready: { kind: 'http', url: '' }, ...howToStart(spec, runtime) };
}

/** Starts each service in turn (a failure stops the ones started and names the service). */
export async function startServices(lab: Lab, specs: readonly ServiceSpec[], labKey: string, log: (line: string) => void, signal?: AbortSignal): Promise<RunningService[]> {
  const out: RunningService[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const { process, endpoint, accessKeyId } = serviceProcessSpec(spec, lab.topology, i, labKey, lab.layout.runDir, lab.runtimeName);
      log(`starting ${spec.name} (${spec.language}, ${spec.sdk.name} ${spec.sdk.version}) on ${endpoint.address}:${endpoint.port}: ${process.build ? `image ${process.build.tag} (${spec.start.dockerfile})` : process.command ? process.command.join(' ') : 'in its own container of this pod'}`);
      const component = await lab.startGuest(process, { readyTimeoutMs: spec.start.readyTimeoutMs, ...(signal ? { signal } : {}) });
      out.push({ spec, endpoint, accessKeyId, component });
    }
    return out;
  } catch (err) {
    await stopServices(lab, out);
    throw err;
  }
}

/** Stops the services (SIGTERM, then SIGKILL after each one's stopGraceMs). */
export async function stopServices(lab: Lab, services: readonly RunningService[]): Promise<void> {
  await Promise.all(services.map((s) => lab.stopGuest(s.component.name).catch(() => {})));
}
