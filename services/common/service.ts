/**
 * What every stand-in process shares: its identity and settings from the run folder, a logger,
 * Redis connections, the event stream, Prometheus metrics, and an orderly stop on SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ModelConfig } from '../../core/model-config.ts';
import { readModelConfig } from '../../core/model-config-file.ts';
import { buildTopology, component, type ComponentDef, type Topology } from '../../topology/topology.ts';
import { EventPublisher } from './events.ts';
import { createJsonServer, listen, type RawHandler, type Route } from './http.ts';

export interface ServiceContext {
  readonly name: string;
  readonly self: ComponentDef;
  readonly topology: Topology;
  readonly config: ModelConfig;
  readonly runDir: string;
  readonly log: Logger;
  readonly registry: Registry;
  readonly events: EventPublisher;
  /** A new Redis connection to the lab's Redis (each caller owns and closes its own). */
  redis(name: string): Redis;
  /** Registers cleanup to run on stop, in reverse order of registration. */
  onStop(fn: () => Promise<void> | void): void;
}

export interface ServiceParts {
  /** Routes served on the component's address and port (plus any extra listeners). */
  readonly routes: readonly Route[];
  /** Further addresses to serve the same routes on (e.g. DynamoDB's frontends). */
  readonly extraListeners?: readonly { address: string; port: number }[];
  /** Called once the HTTP listeners are up. */
  start?(): Promise<void> | void;
  /** Takes requests of a protocol of its own before the routes (DynamoDB's JSON 1.0). */
  readonly raw?: RawHandler;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: services are started by the lab runtime (outage-lab up / run)`);
  return v;
}

export async function runService(build: (ctx: ServiceContext) => Promise<ServiceParts> | ServiceParts): Promise<void> {
  const name = env('OUTAGE_LAB_SERVICE');
  const runDir = env('OUTAGE_LAB_RUN_DIR');
  const topology = buildTopology({ slot: Number(env('OUTAGE_LAB_SLOT')) });
  const self = component(topology, name);
  const config = readModelConfig(runDir);
  const log = pino({ name, level: process.env.LOG_LEVEL ?? 'info' });
  const registry = new Registry();
  registry.setDefaultLabels({ service: name });
  collectDefaultMetrics({ register: registry });
  const redisDef = component(topology, 'redis');
  const stops: (() => Promise<void> | void)[] = [];
  const redisConnections: Redis[] = [];
  const redis = (purpose: string) => {
    const r = new Redis({ host: redisDef.address, port: redisDef.port, connectionName: `${name}:${purpose}`, maxRetriesPerRequest: 3, enableAutoPipelining: true });
    r.on('error', (err) => log.warn({ err: err.message, purpose }, 'redis connection error'));
    redisConnections.push(r);
    return r;
  };
  const events = new EventPublisher(redis('events'), name, (err) => log.warn({ err: err.message }, 'event publish failed'));
  const ctx: ServiceContext = { name, self, topology, config, runDir, log, registry, events, redis, onStop: (fn) => stops.push(fn) };

  const parts = await build(ctx);
  const servers: Server[] = [];
  for (const l of [{ address: self.address, port: self.port }, ...(parts.extraListeners ?? [])]) {
    const server = createJsonServer({ name, routes: parts.routes, registry, onError: (err) => log.error({ err }, 'request failed'), ...(parts.raw ? { raw: parts.raw } : {}) });
    await listen(server, l.address, l.port);
    servers.push(server);
  }
  await parts.start?.();
  log.info({ listeners: servers.length, address: self.address, port: self.port }, 'ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const hardExit = setTimeout(() => process.exit(0), 3000);
    hardExit.unref();
    for (const fn of stops.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err }, 'stop step failed');
      }
    }
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await Promise.allSettled(redisConnections.map((r) => r.quit()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // In an ephemeral lab (a `run`), nothing may outlive the run: exit when its process is gone.
  const owner = Number(process.env.OUTAGE_LAB_OWNER_PID);
  if (owner > 0) {
    setInterval(() => {
      try {
        process.kill(owner, 0);
      } catch {
        void stop('owner gone');
      }
    }, 1000).unref();
  }
}
