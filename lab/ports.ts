import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { hostPort, type Endpoint } from '../topology/topology.ts';

/** True when nothing listens on the TCP (or UDP) endpoint, i.e. we could bind it. */
export function isFree(e: Endpoint, udp = false): Promise<boolean> {
  return new Promise((resolve) => {
    if (udp) {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(e.port, e.address, () => s.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: e.address, port: e.port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface TakenPort {
  readonly owner: string;
  readonly endpoint: string;
  readonly udp: boolean;
}

export async function takenPorts(list: readonly { owner: string; endpoint: Endpoint; udp?: boolean }[]): Promise<TakenPort[]> {
  const results = await Promise.all(list.map(async (x) => ({ x, free: await isFree(x.endpoint, x.udp) })));
  return results.filter((r) => !r.free).map((r) => ({ owner: r.x.owner, endpoint: hostPort(r.x.endpoint), udp: !!r.x.udp }));
}
