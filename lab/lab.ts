/**
 * Bringing the lab up and down: validate everything before anything starts, start components in
 * dependency order waiting on real readiness checks, create the Toxiproxy links, and on any
 * failure or interrupt stop what was started. State is written after every start so that
 * `outage-lab down` from another shell (or after a crash) can finish the job.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { ToxiproxyClient, type Proxy } from './toxiproxy-client.ts';
import { dynamodbRecordSet, labZoneFile } from '../dns/lab-zone.ts';
import { processSpecs } from './processes.ts';
import { runLayout, type RunLayout } from '../topology/layout.ts';
import { renderProxies } from '../topology/toxiproxy-proxies.ts';
import { buildTopology, component, hostPort, listeningEndpoints, type Topology } from '../topology/topology.ts';
import { InputError, UserError } from '../core/errors.ts';
import { modelConfigPath } from '../core/model-config-file.ts';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../core/model-config.ts';
import { ensureServiceBundles } from './service-bundles.ts';
import { labHome } from '../core/paths.ts';
import { probe, waitReady } from './ready.ts';
import { createRuntime, type RuntimeName } from './runtimes/index.ts';
import type { ComponentControl, LabLabels, ProcessSignal, ProcessSpec, Runtime, StartedComponent } from './runtimes/runtime.ts';
import { claimState, clearState, readState, saveState, type LabState } from './state.ts';
import { takenPorts } from './ports.ts';
import type { Log } from './tools.ts';

export interface LabContext {
  readonly slot: number;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Reads OUTAGE_LAB_SLOT / OUTAGE_LAB_HOME with clear errors. */
export function labContext(env: NodeJS.ProcessEnv = process.env): LabContext {
  const raw = env.OUTAGE_LAB_SLOT;
  let slot = 0;
  if (raw !== undefined && raw !== '') {
    slot = Number(raw);
    if (!/^\d+$/.test(raw) || slot > 255) {
      throw new InputError(`OUTAGE_LAB_SLOT=${raw} is not a whole number from 0 to 255: it picks the lab's addresses 127.<slot>.x.y; unset it for the default 0`);
    }
  }
  return { slot, home: labHome(env), env };
}

export interface ComponentStatus {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** "pid 1234" or "container 3f2a…". */
  readonly handle: string;
  readonly healthy: boolean;
  readonly readyAfterMs: number | null;
}

export interface LabInfo {
  readonly up: boolean;
  readonly runtime: RuntimeName | null;
  readonly slot: number;
  readonly zone: string;
  readonly dynamodbName: string;
  readonly dns: string;
  readonly toxiproxy: string;
  readonly redis: string;
  readonly runDir: string | null;
  readonly startedAt: string | null;
  readonly components: ComponentStatus[];
  readonly links: { name: string; listen: string; upstream: string; enabled: boolean | null; toxics: string[] }[];
}

export function endpoints(topology: Topology) {
  const dns = component(topology, 'coredns');
  const tp = component(topology, 'toxiproxy');
  const redis = component(topology, 'redis');
  return {
    dns: hostPort(dns),
    toxiproxy: `http://${hostPort(tp)}`,
    redis: `redis://${hostPort(redis)}`,
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function anyAlive(runtime: Runtime, state: LabState): Promise<boolean> {
  for (const c of state.components) if (await runtime.isAlive(c)) return true;
  return state.status === 'starting' && pidAlive(state.ownerPid);
}

/** The lab label of a lab home: its absolute path (one lab per home). */
export const labLabel = (home: string): string => resolvePath(home);

/** A lab whose owner died without stopping it: a `run` that was killed, or an `up` killed while starting. */
function orphaned(state: LabState): boolean {
  return (state.ephemeral === true || state.status === 'starting') && !pidAlive(state.ownerPid);
}

export class Lab implements ComponentControl {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly topology: Topology,
    readonly layout: RunLayout,
    readonly settings: LabContext,
    private readonly runtime: Runtime,
    private readonly state: LabState,
  ) {}

  get toxiproxy(): ToxiproxyClient {
    return new ToxiproxyClient(endpoints(this.topology).toxiproxy);
  }

  get components(): readonly StartedComponent[] {
    return this.state.components;
  }

  get runtimeName(): RuntimeName {
    return this.runtime.name;
  }

  private started(name: string): StartedComponent {
    const c = this.state.components.find((x) => x.name === name);
    if (!c) throw new UserError(`no component named ${name} is running in this lab; components are ${this.state.components.map((x) => x.name).join(', ')}`);
    return c;
  }

  private signal(name: string, sig: ProcessSignal): Promise<void> {
    return this.runtime.signal(this.started(name), sig);
  }

  kill(name: string): Promise<void> {
    return this.signal(name, 'kill');
  }

  pause(name: string): Promise<void> {
    return this.signal(name, 'pause');
  }

  resume(name: string): Promise<void> {
    return this.signal(name, 'resume');
  }

  /** Stops the component (if it runs) and starts it again from the same spec; resolves once it is ready. */
  async restart(name: string): Promise<void> {
    const old = this.started(name);
    await this.runtime.stop(old, 2000);
    const fresh = await this.runtime.start(old.spec, this.layout.logDir, this.state.labels);
    this.state.components = this.state.components.map((c) => (c === old ? fresh : c));
    await saveState(this.settings.home, this.state);
    await waitReady(name, fresh.ready, { timeoutMs: 15_000, isAlive: () => this.runtime.isAlive(fresh), logFile: fresh.logFile });
    if (name === 'toxiproxy') await this.toxiproxy.populate(renderProxies(this.topology));
  }

  /**
   * Starts a component the topology does not define — a user's service — with this lab's runtime
   * and labels, so the lab stops it with the rest and `down` finds it after a crash. Resolves once
   * it is ready; when it exits or is not ready in time it is stopped and the error names it with
   * the tail of its log.
   */
  async startGuest(spec: ProcessSpec, o: { readyTimeoutMs: number; signal?: AbortSignal }): Promise<StartedComponent> {
    if (this.state.components.some((c) => c.name === spec.name)) throw new UserError(`a component named ${spec.name} already runs in this lab: give the service another name`);
    await this.runtime.prepare([spec], () => {});
    const started = await this.runtime.start(spec, this.layout.logDir, this.state.labels);
    this.state.components.push(started);
    await saveState(this.settings.home, this.state);
    try {
      await waitReady(spec.name, spec.ready, { timeoutMs: o.readyTimeoutMs, isAlive: () => this.runtime.isAlive(started), logFile: started.logFile, ...(o.signal ? { signal: o.signal } : {}) });
    } catch (err) {
      await this.stopGuest(spec.name);
      throw err;
    }
    return started;
  }

  /** Stops a guest (SIGTERM, SIGKILL after its stopGraceMs) and forgets it. */
  async stopGuest(name: string): Promise<void> {
    const c = this.started(name);
    await this.runtime.stop(c);
    this.state.components = this.state.components.filter((x) => x !== c);
    await saveState(this.settings.home, this.state);
  }

  /** Whether a started component's process (or container) is still there. */
  async isRunning(name: string): Promise<boolean> {
    return this.runtime.isAlive(this.started(name));
  }

  /** CPU seconds used so far by each infrastructure component (our services export their own). */
  async infraCpuSeconds(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of this.state.components) {
      if (!isInfra(c)) continue;
      const v = await this.runtime.cpuSeconds(c).catch(() => undefined);
      if (v !== undefined) out[c.name] = v;
    }
    return out;
  }

  /**
   * Starts the whole lab and returns once every component is ready. On failure or abort,
   * everything started so far is stopped before the error propagates.
   */
  static async start(
    settings: LabContext,
    opts: {
      log: Log;
      runDir?: string;
      topology?: Topology;
      config?: ModelConfig;
      signal?: AbortSignal;
      readyTimeoutMs?: number;
      /** The lab lives only as long as this process (a `run`): its services exit when it dies. */
      ephemeral?: boolean;
      /** Start only these components (and what they start after), e.g. the infrastructure. */
      only?: readonly string[];
      /** Which runtime starts the components (default local). */
      runtime?: RuntimeName;
    },
  ): Promise<Lab> {
    const topology = opts.topology ?? buildTopology({ slot: settings.slot });
    const runtime = await runtimeFor(topology, opts.runtime ?? 'local', settings.env);
    const existing = await readState(settings.home);
    if (existing) {
      const previous = existing.runtime === runtime.name ? runtime : await createRuntime(existing.runtime, settings.env);
      if (orphaned(existing) && (await anyAlive(previous, existing))) {
        opts.log(`stopping a lab left behind by pid ${existing.ownerPid}, which died without stopping it (started ${existing.startedAt})`);
        await stopComponents(previous, existing.components);
        await previous.reap(existing.labels.lab);
      }
      if (await anyAlive(previous, existing)) {
        throw new UserError(
          `a lab is already up in ${settings.home} (slot ${existing.slot}, started ${existing.startedAt}): use \`outage-lab status\`, or \`outage-lab down\` to stop it first`,
        );
      }
      opts.log(`removing stale state of a lab that is no longer running (started ${existing.startedAt})`);
      await clearState(settings.home);
    }

    // Validate everything before anything starts.
    const runDir = opts.runDir ?? join(settings.home, 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-slot${topology.slot}`);
    const layout = runLayout(runDir);
    const all = processSpecs(topology, layout, {
      ...(opts.ephemeral ? { ownerPid: process.pid } : {}),
      redisPersistence: (opts.config ?? DEFAULT_MODEL_CONFIG).redis.persistence,
    });
    const wanted = opts.only ? closure(topology, opts.only) : undefined;
    const specs = wanted ? all.specs.filter((s) => wanted.has(s.name)) : all.specs;
    const files = all.files;
    await runtime.prepare(specs, opts.log);
    // Anything of this lab a crash left running, whatever the state file says.
    const reaped = await runtime.reap(labLabel(settings.home));
    if (reaped.length) opts.log(`stopped ${reaped.length} leftover component(s) of this lab (${reaped.join(', ')})`);
    const taken = await takenPorts(listeningEndpoints(topology).filter((e) => !wanted || wanted.has(e.owner.split(' ')[0]!)));
    if (taken.length > 0) {
      const t = taken[0]!;
      throw new UserError(
        `port ${t.endpoint}${t.udp ? '/udp' : ''} (${t.owner}) is already in use${taken.length > 1 ? ` (and ${taken.length - 1} more)` : ''}: stop what listens there (\`ss -ltnup | grep ${t.endpoint}\`) or move the lab with OUTAGE_LAB_SLOT=<1-255>`,
      );
    }

    const labels: LabLabels = { lab: labLabel(settings.home), run: resolvePath(runDir) };
    const state: LabState = {
      version: 2,
      runtime: runtime.name,
      labels,
      slot: topology.slot,
      runDir,
      startedAt: new Date().toISOString(),
      status: 'starting',
      ownerPid: process.pid,
      ...(opts.ephemeral ? { ephemeral: true } : {}),
      ...(topology.monitoring ? { monitoring: true } : {}),
      components: [],
    };
    try {
      await claimState(settings.home, state);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UserError(`another \`outage-lab up\` is starting a lab in ${settings.home} right now: wait for it, or run \`outage-lab down\``);
      }
      throw err;
    }

    const lab = new Lab(topology, layout, settings, runtime, state);
    try {
      await mkdir(layout.logDir, { recursive: true });
      await mkdir(layout.redisDir, { recursive: true });
      for (const f of files) {
        await mkdir(dirname(f.path), { recursive: true });
        await writeFile(f.path, f.content);
      }
      await writeFile(join(runDir, 'topology.json'), JSON.stringify(topology, null, 2));
      await writeFile(modelConfigPath(runDir), JSON.stringify(opts.config ?? DEFAULT_MODEL_CONFIG, null, 2));
      // Until a control plane owns the zone, the harness publishes the endpoint's frontends.
      await labZoneFile(topology, layout.zoneFile).publish([
        dynamodbRecordSet(topology, topology.dynamodb.recordAddresses, 'source=outage-lab-up'),
      ]);

      // Start in dependency waves: each component as soon as everything it depends on is ready.
      const upStarted = performance.now();
      let failed = false;
      let saving: Promise<void> = Promise.resolve();
      const save = () => (saving = saving.then(() => saveState(settings.home, state)));
      const ready = new Map<string, Promise<void>>();
      for (const s of specs) {
        const def = component(topology, s.name);
        const deps = (def.startAfter ?? def.dependsOn).map((d) => ready.get(d)!);
        ready.set(
          s.name,
          Promise.all(deps).then(async () => {
            if (failed) return;
            opts.signal?.throwIfAborted();
            const started = await runtime.start(s, layout.logDir, labels);
            state.components.push(started);
            await save();
            await waitReady(s.name, s.ready, {
              timeoutMs: opts.readyTimeoutMs ?? 15_000,
              isAlive: () => runtime.isAlive(started),
              logFile: started.logFile,
              signal: opts.signal,
            });
            started.readyAfterMs = Math.round(performance.now() - upStarted);
            if (s.name === 'toxiproxy') await lab.toxiproxy.populate(renderProxies(topology));
          }).catch((err) => {
            failed = true;
            throw err;
          }),
        );
      }
      const results = await Promise.allSettled(ready.values());
      const firstError = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (firstError) throw firstError.reason;
      state.status = 'up';
      await save();
      return lab;
    } catch (err) {
      await lab.stop();
      throw err;
    }
  }

  /** Stops every component (reverse start order) and forgets the lab. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= stopComponents(this.runtime, this.state.components).then(() => clearState(this.settings.home));
    return this.stopping;
  }

  async info(): Promise<LabInfo> {
    return describe(this.topology, this.runtime, this.state);
  }
}

/** A runtime for this topology, with our services bundled (the Docker runtime builds images from the bundles). */
async function runtimeFor(topology: Topology, name: RuntimeName, env: NodeJS.ProcessEnv): Promise<Runtime> {
  const entries = [...new Set(topology.components.flatMap((c) => (c.entry ? [c.entry] : [])))];
  return createRuntime(name, env, await ensureServiceBundles(entries));
}

/**
 * Gets guests (users' services) ready before any lab starts: the Docker runtime builds their
 * images, which takes minutes the first time and must not eat into a run's clock.
 */
export async function prepareGuests(settings: LabContext, runtime: RuntimeName, specs: readonly ProcessSpec[], log: Log): Promise<void> {
  if (!specs.length) return;
  await (await runtimeFor(buildTopology({ slot: settings.slot }), runtime, settings.env)).prepare(specs, log);
}

/** The named components and everything they start after. */
function closure(topology: Topology, names: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (n: string) => {
    if (out.has(n)) return;
    const c = component(topology, n);
    out.add(n);
    for (const d of c.startAfter ?? c.dependsOn) add(d);
  };
  for (const n of names) add(n);
  return out;
}

/** Stops our services first (together), then the infrastructure they use (together). */
/** Redis, CoreDNS, Toxiproxy, monitoring: not our services, not a user's. */
const isInfra = (c: StartedComponent) => c.spec.program !== 'node' && c.spec.program !== 'command';

async function stopComponents(runtime: Runtime, components: readonly StartedComponent[]): Promise<void> {
  await Promise.all(components.filter((c) => !isInfra(c)).map((c) => runtime.stop(c)));
  await Promise.all(components.filter(isInfra).map((c) => runtime.stop(c)));
}

async function describe(topology: Topology, runtime: Runtime, state: LabState | undefined): Promise<LabInfo> {
  const ep = endpoints(topology);
  const components = await Promise.all(
    (state?.components ?? []).map(async (c) => ({
      name: c.name,
      address: c.address,
      port: c.port,
      handle: runtime.describe(c),
      healthy: (await runtime.isAlive(c)) && (await probe(c.ready, 1000)),
      readyAfterMs: c.readyAfterMs ?? null,
    })),
  );
  let live: Record<string, Proxy> = {};
  if (state) {
    try {
      live = await new ToxiproxyClient(ep.toxiproxy).proxies();
    } catch {
      /* Toxiproxy down: links shown with unknown state */
    }
  }
  return {
    up: !!state && state.status === 'up',
    runtime: state?.runtime ?? null,
    slot: topology.slot,
    zone: topology.zone,
    dynamodbName: topology.dynamodbName,
    ...ep,
    runDir: state?.runDir ?? null,
    startedAt: state?.startedAt ?? null,
    components,
    links: topology.links.map((l) => ({
      name: l.name,
      listen: hostPort(l.listen),
      upstream: hostPort(l.upstream),
      enabled: live[l.name]?.enabled ?? null,
      toxics: (live[l.name]?.toxics ?? []).map((t) => `${t.name}(${t.type})`),
    })),
  };
}

/** The lab recorded in `home`, as `status` shows it. */
export async function labStatus(settings: LabContext): Promise<LabInfo> {
  const state = await readState(settings.home);
  const topology = buildTopology({ slot: state?.slot ?? settings.slot, monitoring: state?.monitoring === true });
  return describe(topology, await createRuntime(state?.runtime ?? 'local', settings.env), state);
}

/**
 * Stops the lab recorded in `home`, whoever started it, and checks its ports are free again.
 * Returns the names of what was stopped and any endpoint still taken.
 */
export async function labDown(settings: LabContext): Promise<{ stopped: string[]; stillTaken: string[]; wasUp: boolean }> {
  const state = await readState(settings.home);
  if (!state) return { stopped: [], stillTaken: [], wasUp: false };
  const runtime = await createRuntime(state.runtime, settings.env);
  const alive: string[] = [];
  for (const c of state.components) if (await runtime.isAlive(c)) alive.push(c.name);
  await stopComponents(runtime, state.components);
  // Whatever of this lab is still there (started but not yet recorded when the harness died).
  const reaped = await runtime.reap(state.labels.lab);
  if (reaped.length) alive.push(...reaped);
  await clearState(settings.home);
  const topology = buildTopology({ slot: state.slot, monitoring: state.monitoring === true });
  const taken = await takenPorts(listeningEndpoints(topology));
  return { stopped: alive, stillTaken: taken.map((t) => `${t.endpoint} (${t.owner})`), wasUp: true };
}
