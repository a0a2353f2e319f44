/**
 * The Docker runtime: every component a container driven through the Docker Engine API with
 * dockerode, with host networking (the topology's loopback addresses and ports are identical to
 * the local runtime's) and the host's PID namespace (so an ephemeral lab's services still see
 * their owner). Images are built locally (docker-images.ts). Every container carries the labels
 * outage-lab.lab, outage-lab.run and outage-lab.component; `reap` finds a crashed lab's leftovers
 * by label. The run folder is bind-mounted at the same path, so every file path is the same too.
 */
import { writeFileSync } from 'node:fs';
import Docker from 'dockerode';
import { UserError } from '../../core/errors.ts';
import { sleep } from '../proc.ts';
import { APP_DIR, buildGuestImage, ensureImages, imageFor, IN_IMAGE, type ImageName } from './docker-images.ts';
import { LABEL_COMPONENT, LABEL_LAB, LABEL_RUN, labProgramOf, type LabLabels, type ProcessSignal, type ProcessSpec, type Runtime, type StartedComponent } from './runtime.ts';

const containerOf = (c: StartedComponent): { id: string; container: string } => {
  if (c.handle.kind !== 'container') throw new Error(`${c.name} was not started by the Docker runtime`);
  return c.handle;
};

/** The Docker socket: DOCKER_HOST=unix://… or the default. */
function socketPath(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  if (host) throw new UserError(`DOCKER_HOST=${host}: the Docker runtime talks to a local engine over a unix socket only (every lab address is on this machine's loopback)`);
  return '/var/run/docker.sock';
}

export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;
  private images: Partial<Record<ImageName, string>> | undefined;

  private constructor(
    private readonly docker: Docker,
    private readonly env: NodeJS.ProcessEnv,
    private readonly bundleDir: string | undefined,
  ) {}

  /** Connects to the engine, or says how to get one. */
  static async connect(env: NodeJS.ProcessEnv, bundleDir?: string): Promise<DockerRuntime> {
    const path = socketPath(env);
    const docker = new Docker({ socketPath: path });
    try {
      await docker.ping();
    } catch (err) {
      throw new UserError(
        `no Docker engine answers at ${path} (${(err as Error).message}): start one (\`dockerd --bridge=none --iptables=false\`, as .ci/run does), or use --runtime local`,
      );
    }
    return new DockerRuntime(docker, env, bundleDir);
  }

  /** Builds the images these components need (all of the lab's when none are given). */
  async prepare(specs: readonly ProcessSpec[], log: (line: string) => void): Promise<void> {
    if (!this.bundleDir) throw new Error('the Docker runtime needs the services bundled before it builds images');
    // Users' services: each its own image, from its Dockerfile (and the base images it names).
    const guests = specs.filter((s) => s.program === 'command');
    for (const g of guests) {
      if (!g.build) throw new UserError(`${g.name}: the Docker runtime runs a service from its image: give its service file start.dockerfile (docs/your-service.md)`);
      await buildGuestImage(this.docker, { name: g.name, ...g.build, bundleDir: this.bundleDir, env: this.env, log });
    }
    const ours = specs.filter((s) => s.program !== 'command');
    if (guests.length && !ours.length) {
      this.images ??= {};
      return;
    }
    const names = ours.length ? [...new Set(ours.map((s) => imageFor(labProgramOf(s, 'docker'))))] : undefined;
    this.images = { ...this.images, ...(await ensureImages(this.docker, this.bundleDir, this.env, log, names)) };
  }

  /** The image and command of a component: a user's service runs its own image's command. */
  private imageAndCommand(spec: ProcessSpec): { image: string; cmd?: string[] } {
    if (spec.program === 'command') {
      if (!spec.build) throw new UserError(`${spec.name}: no image to run (start.dockerfile)`);
      return { image: spec.build.tag };
    }
    const image = this.images![imageFor(labProgramOf(spec, 'docker'))];
    if (!image) throw new UserError(`no image for ${spec.name} (${imageFor(labProgramOf(spec, 'docker'))}): it was not prepared`);
    return { image, cmd: this.command(spec) };
  }

  imageTags(): Partial<Record<ImageName, string>> {
    if (!this.images) throw new Error('DockerRuntime.prepare() must run first');
    return this.images;
  }

  private command(spec: ProcessSpec): string[] {
    if (spec.program === 'node') {
      if (!spec.entry) throw new Error(`component ${spec.name}: a node program needs an entry module`);
      return [IN_IMAGE.node, '--enable-source-maps', `${APP_DIR}/${spec.entry.replace(/\.ts$/, '.mjs')}`, ...spec.args];
    }
    return [IN_IMAGE[labProgramOf(spec, 'docker') as Exclude<ProcessSpec['program'], 'node' | 'command'>], ...spec.args];
  }

  async start(spec: ProcessSpec, logDir: string, labels: LabLabels): Promise<StartedComponent> {
    if (!this.images) throw new Error('DockerRuntime.prepare() must run before start()');
    const name = `outage-lab-${spec.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
    // A user's service meets the lab's DNS through its own /etc/resolv.conf, mounted over the container's.
    const binds = [...[...new Set(spec.writes ?? [])].map((d) => `${d}:${d}`), ...(spec.resolvConf ? [`${spec.resolvConf}:/etc/resolv.conf:ro`] : [])];
    const { image, cmd } = this.imageAndCommand(spec);
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        name,
        Image: image,
        ...(cmd ? { Cmd: cmd, WorkingDir: '/' } : {}),
        Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: { [LABEL_LAB]: labels.lab, [LABEL_RUN]: labels.run, [LABEL_COMPONENT]: spec.name },
        HostConfig: { NetworkMode: 'host', PidMode: 'host', Binds: binds, LogConfig: { Type: 'json-file', Config: {} } },
      });
      await container.start();
    } catch (err) {
      throw new UserError(`cannot start container for ${spec.name}: ${(err as Error).message}`);
    }
    return {
      name: spec.name,
      address: spec.address,
      port: spec.port,
      handle: { kind: 'container', id: container.id, container: name },
      logFile: `${logDir}/${spec.name}.log`,
      ready: spec.ready,
      spec,
    };
  }

  private async state(c: StartedComponent): Promise<{ Running: boolean; Paused: boolean } | undefined> {
    try {
      return (await this.docker.getContainer(containerOf(c).id).inspect()).State;
    } catch {
      return undefined;
    }
  }

  async isAlive(c: StartedComponent): Promise<boolean> {
    const s = await this.state(c);
    if (s?.Running) return true;
    if (s) await this.saveLogs(c); // exited: keep what it said for the error message
    return false;
  }

  /** Writes the container's output to its log file (Docker keeps it until the container is removed). */
  private async saveLogs(c: StartedComponent): Promise<void> {
    try {
      const raw = (await this.docker.getContainer(containerOf(c).id).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      writeFileSync(c.logFile, demux(raw));
    } catch {
      /* gone already */
    }
  }

  async stop(c: StartedComponent, graceMs = 5000): Promise<void> {
    const container = this.docker.getContainer(containerOf(c).id);
    const s = await this.state(c);
    if (!s) return;
    if (s.Paused) await container.unpause().catch(() => {});
    if (s.Running) await container.stop({ t: Math.ceil(graceMs / 1000) }).catch(() => {});
    await this.saveLogs(c);
    await container.remove({ force: true, v: true }).catch(() => {});
  }

  async signal(c: StartedComponent, sig: ProcessSignal): Promise<void> {
    const container = this.docker.getContainer(containerOf(c).id);
    if (sig === 'kill') {
      await container.kill({ signal: 'SIGKILL' });
      for (let i = 0; i < 100 && (await this.state(c))?.Running; i++) await sleep(10);
    } else if (sig === 'pause') await container.pause();
    else await container.unpause();
  }

  async cpuSeconds(c: StartedComponent): Promise<number | undefined> {
    try {
      const stats = (await this.docker.getContainer(containerOf(c).id).stats({ stream: false })) as { cpu_stats?: { cpu_usage?: { total_usage?: number } } };
      const ns = stats.cpu_stats?.cpu_usage?.total_usage;
      return ns === undefined ? undefined : ns / 1e9;
    } catch {
      return undefined;
    }
  }

  async reap(lab: string): Promise<string[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${lab}`] } });
    await Promise.all(list.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})));
    return list.map((c) => `container ${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}`);
  }

  describe(c: StartedComponent): string {
    return `container ${containerOf(c).id.slice(0, 12)}`;
  }
}

/** Docker's multiplexed log stream (8-byte frame headers) as plain text. */
export function demux(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= raw.length) {
    const len = raw.readUInt32BE(i + 4);
    parts.push(raw.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(parts);
}
