/** Which image runs which program, and where the program sits inside it (shared by the Docker runtime and compose/). */
import type { ProgramName } from '../tools.ts';

export type ImageName = 'node' | 'services' | 'redis' | 'coredns' | 'toxiproxy';

export const IN_IMAGE: Record<ProgramName | 'node', string> = {
  node: '/usr/bin/node',
  'redis-server': '/usr/bin/redis-server',
  coredns: '/coredns',
  'toxiproxy-server': '/toxiproxy-server',
};

/** Where the services' bundles are inside outage-lab/services. */
export const APP_DIR = '/app';

export function imageFor(program: ProgramName | 'node'): ImageName {
  return program === 'node' ? 'services' : program === 'redis-server' ? 'redis' : program === 'coredns' ? 'coredns' : 'toxiproxy';
}
