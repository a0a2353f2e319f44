import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisPersistence } from '../core/model-config.ts';
import type { ProcessSpec } from './runtimes/runtime.ts';
import { renderAlertmanager, renderBlackbox, renderPrometheus, RULE_FILES, RULES_DIR } from '../monitoring/render.ts';
import { renderCorefile } from '../topology/corefile.ts';
import type { RunFile, RunLayout } from '../topology/layout.ts';
import { component, hostPort, startOrder, type ComponentDef, type Topology } from '../topology/topology.ts';

export interface ProcessOptions {
  /** Set for ephemeral labs: the services exit when this process is gone. */
  readonly ownerPid?: number;
  /** Redis durability (default aof-always: every acknowledged write is on disk). */
  readonly redisPersistence?: RedisPersistence;
}

function redisPersistenceArgs(p: RedisPersistence): string[] {
  if (p === 'off') return ['--appendonly', 'no'];
  return ['--appendonly', 'yes', '--appendfsync', p === 'aof-always' ? 'always' : 'everysec'];
}

function spec(c: ComponentDef, layout: RunLayout, topology: Topology, opts: ProcessOptions): ProcessSpec {
  // Every component reads (or writes) its run folder: containers mount it at the same path.
  const base = { name: c.name, address: c.address, port: c.port, writes: [layout.runDir] };
  switch (c.kind) {
    case 'redis':
      return {
        ...base,
        program: 'redis-server',
        // Every run starts from an empty store in its own folder; no RDB snapshots, the AOF (by
        // default fsync'ed before each reply) is what survives a kill.
        args: ['--bind', c.address, '--port', String(c.port), '--save', '', ...redisPersistenceArgs(opts.redisPersistence ?? 'aof-always'), '--dir', layout.redisDir,
          '--protected-mode', 'no', '--daemonize', 'no', '--maxclients', '20000'],
        ready: { kind: 'redis', address: c.address, port: c.port },
      };
    case 'coredns':
      return {
        ...base,
        program: 'coredns',
        args: ['-conf', layout.corefile],
        ready: { kind: 'http', url: `http://${c.address}:${c.extraPorts.ready}/ready` },
      };
    case 'toxiproxy':
      return {
        ...base,
        program: 'toxiproxy-server',
        // With monitoring, Toxiproxy also serves its own metrics on the API port for Prometheus.
        args: ['-host', c.address, '-port', String(c.port), ...(topology.monitoring ? ['-proxy-metrics', '-runtime-metrics'] : [])],
        // Toxiproxy logs every connection at info level; under a thundering herd that is noise.
        env: { LOG_LEVEL: 'warn' },
        ready: { kind: 'toxiproxy', url: `http://${hostPort(c)}` },
      };
    case 'service':
      return {
        ...base,
        program: 'node',
        entry: c.entry,
        // Informational (the service reads its settings from the environment): makes every lab
        // process findable in `ps` by its lab address and run folder.
        args: ['--service', c.name, '--listen', hostPort(c), '--run-dir', layout.runDir],
        env: {
          OUTAGE_LAB_SERVICE: c.name,
          OUTAGE_LAB_RUN_DIR: layout.runDir,
          OUTAGE_LAB_SLOT: String(topology.slot),
          ...(opts.ownerPid ? { OUTAGE_LAB_OWNER_PID: String(opts.ownerPid) } : {}),
        },
        ready: { kind: 'http', url: `http://${hostPort(c)}/health` },
      };
    case 'prometheus':
      return {
        ...base,
        program: 'prometheus',
        args: [
          `--config.file=${join(layout.monitoringDir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(layout.monitoringDir, 'prometheus-data')}`,
          `--web.listen-address=${hostPort(c)}`,
          '--storage.tsdb.retention.time=1d',
          '--log.level=warn',
        ],
        // Ready to serve; it scrapes ~5 s after start (its discovery's first update): a run waits
        // for that during its steady state (monitoring/scraping.ts), not here.
        ready: { kind: 'http', url: `http://${hostPort(c)}/-/ready` },
      };
    case 'blackbox':
      return {
        ...base,
        program: 'prometheus-blackbox-exporter',
        args: [`--config.file=${join(layout.monitoringDir, 'blackbox.yml')}`, `--web.listen-address=${hostPort(c)}`, '--log.level=warn'],
        ready: { kind: 'http', url: `http://${hostPort(c)}/-/healthy` },
      };
    case 'alertmanager':
      return {
        ...base,
        program: 'prometheus-alertmanager',
        args: [
          `--config.file=${join(layout.monitoringDir, 'alertmanager.yml')}`,
          `--storage.path=${join(layout.monitoringDir, 'alertmanager-data')}`,
          `--web.listen-address=${hostPort(c)}`,
          // No cluster (its default listens on every interface): one Alertmanager, on loopback.
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        ready: { kind: 'http', url: `http://${hostPort(c)}/-/ready` },
      };
  }
}

/** The monitoring's configuration files, rendered from the topology, and the shipped rules. */
function monitoringFiles(topology: Topology, layout: RunLayout): RunFile[] {
  const rulesDir = join(layout.monitoringDir, 'rules');
  return [
    { path: join(layout.monitoringDir, 'prometheus.yml'), content: renderPrometheus(topology, rulesDir) },
    { path: join(layout.monitoringDir, 'blackbox.yml'), content: renderBlackbox(topology) },
    { path: join(layout.monitoringDir, 'alertmanager.yml'), content: renderAlertmanager(topology) },
    ...RULE_FILES.map((f) => ({ path: join(rulesDir, f), content: readFileSync(join(RULES_DIR, f), 'utf8') })),
  ];
}

/** The process list, in start order, and the config files they need, all derived from the topology. */
export function processSpecs(topology: Topology, layout: RunLayout, opts: ProcessOptions = {}): { specs: ProcessSpec[]; files: RunFile[] } {
  component(topology, 'coredns');
  return {
    specs: startOrder(topology).map((c) => spec(c, layout, topology, opts)),
    files: [{ path: layout.corefile, content: renderCorefile(topology, layout.zoneFile) }, ...(topology.monitoring ? monitoringFiles(topology, layout) : [])],
  };
}
