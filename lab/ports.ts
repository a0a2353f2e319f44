/**
 * Whether the lab's endpoints are free, read from the kernel's socket tables (/proc/net/tcp and
 * /proc/net/udp) without opening a socket. Checking by binding would itself take the port for a
 * moment: a test that polled `leftovers()` while a lab started once made the lab's own DynamoDB
 * stand-in and fleet die of EADDRINUSE (CI, runtimes test, twice), because the probe held their
 * address when they bound it. Where /proc/net is not readable the bind probe is the fallback.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostPort, type Endpoint } from '../topology/topology.ts';

/** "0100007F:1F40" (little-endian address, big-endian port) → "127.0.0.1:8000". */
export function procAddress(hex: string): string {
  const [addr, port] = hex.split(':') as [string, string];
  const bytes = [6, 4, 2, 0].map((i) => parseInt(addr.slice(i, i + 2), 16));
  return `${bytes.join('.')}:${parseInt(port, 16)}`;
}

const TCP_LISTEN = '0A';

/** The IPv4 addresses bound now: TCP sockets listening, UDP sockets bound. Undefined without /proc/net. */
export function boundNow(): { tcp: Set<string>; udp: Set<string> } | undefined {
  const read = (file: string, keep: (state: string) => boolean): Set<string> => {
    const out = new Set<string>();
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 3 && keep(f[3]!)) out.add(procAddress(f[1]!));
    }
    return out;
  };
  try {
    return { tcp: read('/proc/net/tcp', (st) => st === TCP_LISTEN), udp: read('/proc/net/udp', () => true) };
  } catch {
    return undefined;
  }
}

/** By binding it (and letting go): only where the kernel's tables cannot be read. */
function bindProbe(e: Endpoint, udp: boolean): Promise<boolean> {
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

const takenIn = (bound: Set<string>, e: Endpoint) => bound.has(hostPort(e)) || bound.has(`0.0.0.0:${e.port}`);

export interface TakenPort {
  readonly owner: string;
  readonly endpoint: string;
  readonly udp: boolean;
}

export async function takenPorts(list: readonly { owner: string; endpoint: Endpoint; udp?: boolean }[]): Promise<TakenPort[]> {
  const bound = boundNow();
  const free = async (x: { endpoint: Endpoint; udp?: boolean }) => (bound ? !takenIn(x.udp ? bound.udp : bound.tcp, x.endpoint) : bindProbe(x.endpoint, !!x.udp));
  const results = await Promise.all(list.map(async (x) => ({ x, free: await free(x) })));
  return results.filter((r) => !r.free).map((r) => ({ owner: r.x.owner, endpoint: hostPort(r.x.endpoint), udp: !!r.x.udp }));
}

/** True when nothing listens on the TCP (or UDP) endpoint (nor on every address at its port). */
export async function isFree(e: Endpoint, udp = false): Promise<boolean> {
  return (await takenPorts([{ owner: '', endpoint: e, udp }])).length === 0;
}
