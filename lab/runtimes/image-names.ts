/** Which image runs which program, and where the program sits inside it (shared by the Docker runtime and compose/). */
import type { LabProgram } from '../tools.ts';

export type ImageName = 'node' | 'services' | 'redis' | 'coredns' | 'toxiproxy' | 'prometheus' | 'blackbox' | 'alertmanager' | 'python' | 'java';

/**
 * Base images users' services build FROM (`FROM outage-lab/node:latest`), made from this
 * machine's own runtimes since no registry can be reached: where each runtime's program sits.
 */
export const BASE_IMAGES = {
  node: '/usr/bin/node',
  python: '/usr/bin/python3',
  java: '/opt/java/bin/java',
} as const;

export const IN_IMAGE: Record<LabProgram | 'node', string> = {
  node: '/usr/bin/node',
  'redis-server': '/usr/bin/redis-server',
  coredns: '/coredns',
  'toxiproxy-server': '/toxiproxy-server',
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  'prometheus-blackbox-exporter': '/usr/bin/prometheus-blackbox-exporter',
  'prometheus-alertmanager': '/usr/bin/prometheus-alertmanager',
  amtool: '/usr/bin/amtool',
};

/** Where the services' bundles are inside outage-lab/services. */
export const APP_DIR = '/app';

const IMAGE_OF: Record<LabProgram | 'node', ImageName> = {
  node: 'services',
  'redis-server': 'redis',
  coredns: 'coredns',
  'toxiproxy-server': 'toxiproxy',
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-blackbox-exporter': 'blackbox',
  'prometheus-alertmanager': 'alertmanager',
  amtool: 'alertmanager',
};

export function imageFor(program: LabProgram | 'node'): ImageName {
  return IMAGE_OF[program];
}
