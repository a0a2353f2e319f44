import { hostPort, type Topology } from './topology.ts';

export interface ProxyConfig {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

/** The Toxiproxy proxy set: one proxy per topology link. */
export function renderProxies(topology: Topology): ProxyConfig[] {
  return topology.links.map((l) => ({
    name: l.name,
    listen: hostPort(l.listen),
    upstream: hostPort(l.upstream),
    enabled: true,
  }));
}
