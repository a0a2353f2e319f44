/** Where a lab's run folder keeps what its processes read and write (logs, the Corefile and zone, Redis's data, the monitoring's files). */
import { join } from 'node:path';

export interface RunFile {
  readonly path: string;
  readonly content: string;
}

export interface RunLayout {
  readonly runDir: string;
  readonly logDir: string;
  readonly corefile: string;
  readonly zoneFile: string;
  readonly redisDir: string;
  /** Prometheus, the blackbox exporter and Alertmanager: their configuration, rules and data. */
  readonly monitoringDir: string;
}

export function runLayout(runDir: string): RunLayout {
  return {
    runDir,
    logDir: join(runDir, 'logs'),
    corefile: join(runDir, 'coredns', 'Corefile'),
    zoneFile: join(runDir, 'coredns', 'zone.db'),
    redisDir: join(runDir, 'redis'),
    monitoringDir: join(runDir, 'monitoring'),
  };
}
