/**
 * The one typed topology of the lab: every component's loopback address and ports, what it
 * depends on, and the links that pass through Toxiproxy. The Corefile, the Toxiproxy proxy set,
 * the process list, the zone file and the docs all derive from this; nothing else may spell an
 * address or a port.
 *
 * Addresses are 127.<slot>.<group>.<host>. The slot (0–255, default 0) lets several labs (a
 * developer's and the test suite's, say) live side by side on one machine without sharing a port.
 */

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export type ComponentKind = 'redis' | 'coredns' | 'toxiproxy' | 'service' | 'prometheus' | 'blackbox' | 'alertmanager';

export interface ComponentDef {
  readonly name: string;
  readonly kind: ComponentKind;
  readonly description: string;
  readonly address: string;
  /** The port clients use (DNS for CoreDNS, the API for Toxiproxy, HTTP for services). */
  readonly port: number;
  /** Further TCP ports the component listens on, by purpose (health, ready, metrics, …). */
  readonly extraPorts: Readonly<Record<string, number>>;
  /** Components this one calls: the dependency graph (blast radius). */
  readonly dependsOn: readonly string[];
  /**
   * Components that must be ready before this one starts (default: dependsOn). Services retry
   * their peers, so most wait only for the infrastructure and start together.
   */
  readonly startAfter?: readonly string[];
  /** For services: the entry module, relative to the project root. */
  readonly entry?: string;
}

/** A TCP link that crosses Toxiproxy, so faults can be injected on it. */
export interface LinkDef {
  /** Toxiproxy proxy name. */
  readonly name: string;
  /** Who talks over the link (a component name, or "clients" for everyone resolving a name). */
  readonly from: string;
  /** The component the link leads to. */
  readonly to: string;
  readonly listen: Endpoint;
  readonly upstream: Endpoint;
  readonly description: string;
}

export interface Topology {
  readonly slot: number;
  /** The lab's authoritative zone, fully qualified ("aws.test."). */
  readonly zone: string;
  /** The DynamoDB regional endpoint's name (no trailing dot). */
  readonly dynamodbName: string;
  /** TTL (seconds) of the endpoint's records and of negative answers. */
  readonly recordTtlSeconds: number;
  readonly components: readonly ComponentDef[];
  readonly links: readonly LinkDef[];
  /**
   * What the harness itself serves (not lab components): the game-day console (127.0.0.1 only),
   * and, with monitoring, the exporter of the experiment's state that Prometheus scrapes and
   * whose /alerts Alertmanager's webhook posts to.
   */
  readonly harness: {
    readonly console: Endpoint;
    readonly exporter: Endpoint;
    /** moto's server: the other implementation of DynamoDB's protocol the stand-in's differential test runs against. */
    readonly moto: Endpoint;
  };
  /** Whether the lab runs its monitoring (Prometheus, the blackbox exporter, Alertmanager). */
  readonly monitoring: boolean;
  /**
   * With users' services in the lab: CoreDNS also answers on port 53 here (TCP and UDP), where a
   * system resolver asks — /etc/resolv.conf has no port field — so a service's own getaddrinfo
   * meets the lab's zone. Binding port 53 needs root or CAP_NET_BIND_SERVICE.
   */
  readonly systemResolver?: Endpoint;
  readonly dynamodb: {
    /** The stand-in's real listeners, one per frontend. */
    readonly frontends: readonly Endpoint[];
    /** What the DNS record lists: one Toxiproxy listener per frontend, so every client crosses a fault point. */
    readonly recordAddresses: readonly string[];
    readonly port: number;
  };
}

export const DEFAULT_SLOT = 0;
export const ZONE = 'aws.test.';
export const REGION = 'us-east-1';
export const DYNAMODB_FRONTEND_COUNT = 3;
const DYNAMODB_PORT = 8000;

/** Address groups (third octet) by role, so an address tells what it is. */
const GROUP = {
  infra: 2,
  dnsControlPlane: 3,
  dnsAutomation: 4,
  ec2: 5,
  loadBalancing: 6,
  fleet: 7,
  monitoring: 8,
  dynamodbFrontend: 10,
  dynamodbProxy: 11,
  reference: 12,
  userServices: 13,
} as const;

export const ENACTOR_COUNT = 3;
const SERVICE_PORT = 9000;
/** Where users' services listen, each on its own address. */
const USER_SERVICE_PORT = 8080;
export const MAX_USER_SERVICES = 50;
/** Where every system resolver asks: resolv.conf names an address, never a port. */
const SYSTEM_RESOLVER_PORT = 53;
const ROUTE53_PORT = 8053;
/** The console's port is this plus the slot, so labs side by side each have their own. */
const CONSOLE_PORT_BASE = 8600;

export function loopback(slot: number, group: number, host: number): string {
  return `127.${slot}.${group}.${host}`;
}

export function assertSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot > 255) {
    throw new RangeError(`slot must be a whole number from 0 to 255 (got ${slot}): it is the second octet of every lab address 127.<slot>.x.y`);
  }
}

export function buildTopology(options: { slot?: number; monitoring?: boolean; systemResolver?: boolean } = {}): Topology {
  const slot = options.slot ?? DEFAULT_SLOT;
  const monitoring = options.monitoring ?? false;
  assertSlot(slot);
  const at = (group: number, host: number) => loopback(slot, group, host);

  const components: ComponentDef[] = [
    {
      name: 'redis',
      kind: 'redis',
      description: 'Redis: the store behind the DynamoDB stand-in and the plan store',
      address: at(GROUP.infra, 1),
      port: 6379,
      extraPorts: {},
      dependsOn: [],
    },
    {
      name: 'coredns',
      kind: 'coredns',
      description: `CoreDNS: authoritative for ${ZONE}, serving the DynamoDB endpoint from a zone file`,
      address: at(GROUP.infra, 2),
      port: 1053,
      extraPorts: { health: 8080, ready: 8181, metrics: 9153 },
      dependsOn: [],
    },
    {
      name: 'toxiproxy',
      kind: 'toxiproxy',
      description: 'Toxiproxy: the fault points on the links below',
      address: at(GROUP.infra, 3),
      port: 8474,
      extraPorts: {},
      dependsOn: [],
    },
  ];

  const frontends: Endpoint[] = [];
  const links: LinkDef[] = [];
  for (let i = 1; i <= DYNAMODB_FRONTEND_COUNT; i++) {
    frontends.push({ address: at(GROUP.dynamodbFrontend, i), port: DYNAMODB_PORT });
  }
  const route53 = { address: at(GROUP.dnsControlPlane, 1), port: ROUTE53_PORT };
  components.push(
    {
      name: 'dynamodb',
      kind: 'service',
      description: `DynamoDB stand-in: capacity-limited KV API over Redis on ${DYNAMODB_FRONTEND_COUNT} frontends`,
      address: frontends[0]!.address,
      port: DYNAMODB_PORT,
      extraPorts: {},
      dependsOn: ['redis'],
      entry: 'services/dynamodb/main.ts',
    },
    {
      name: 'route53',
      kind: 'service',
      description: 'Route 53 stand-in: transactional record-set changes, renders the zone CoreDNS serves',
      ...route53,
      extraPorts: {},
      dependsOn: ['redis', 'coredns'],
      entry: 'services/route53/main.ts',
    },
    {
      name: 'planner',
      kind: 'service',
      description: 'DNS Planner: health-checks the DynamoDB frontends, writes a new plan generation on a cadence',
      address: at(GROUP.dnsAutomation, 1),
      port: SERVICE_PORT,
      extraPorts: {},
      dependsOn: ['redis', 'dynamodb'],
      entry: 'services/planner/main.ts',
      startAfter: ['redis'],
    },
  );
  for (let i = 1; i <= ENACTOR_COUNT; i++) {
    const name = `enactor${i}`;
    components.push({
      name,
      kind: 'service',
      description: `DNS Enactor #${i} (AZ ${i}): applies the newest plan through Route 53, then cleans up old plans`,
      address: at(GROUP.dnsAutomation, 1 + i),
      port: SERVICE_PORT,
      extraPorts: {},
      dependsOn: ['redis', 'route53', 'toxiproxy'],
      entry: 'services/enactor/main.ts',
      startAfter: ['redis', 'toxiproxy'],
    });
    links.push({
      name: `${name}-route53`,
      from: name,
      to: 'route53',
      listen: { address: at(GROUP.dnsControlPlane, 10 + i), port: ROUTE53_PORT },
      upstream: route53,
      description: `Enactor #${i}'s calls to the Route 53 API`,
    });
  }
  components.push(
    {
      name: 'netmgr',
      kind: 'service',
      description: 'Network Manager: propagates network state for launched and re-established instances at a fixed rate',
      address: at(GROUP.ec2, 2),
      port: SERVICE_PORT,
      extraPorts: {},
      dependsOn: ['redis'],
      entry: 'services/netmgr/main.ts',
    },
    {
      name: 'dwfm',
      kind: 'service',
      description: 'DropletWorkflow Manager: a lease in DynamoDB per droplet; RunInstances; the runbook throttle',
      address: at(GROUP.ec2, 1),
      port: SERVICE_PORT,
      extraPorts: {},
      dependsOn: ['dynamodb', 'coredns', 'toxiproxy', 'netmgr'],
      entry: 'services/dwfm/main.ts',
      // DWFM writes (or, restarted, reads) its fleet of leases through DynamoDB's set-up API at start.
      startAfter: ['redis', 'coredns', 'toxiproxy', 'dynamodb'],
    },
    {
      name: 'fleet',
      kind: 'service',
      description: 'The instances behind the NLB, answering only once their network state has propagated',
      address: at(GROUP.fleet, 1),
      port: SERVICE_PORT,
      extraPorts: {},
      // Reads which targets still wait for the Network Manager (its state, kept in Redis).
      dependsOn: ['redis', 'netmgr'],
      entry: 'services/fleet/main.ts',
      startAfter: ['redis'],
    },
    {
      name: 'nlb',
      kind: 'service',
      description: 'Network Load Balancer: HTTP proxy over the fleet with health checks (velocity control, fail-open)',
      address: at(GROUP.loadBalancing, 1),
      port: 8080,
      extraPorts: {},
      dependsOn: ['fleet'],
      entry: 'services/nlb/main.ts',
      startAfter: [],
    },
  );
  for (let i = 1; i <= DYNAMODB_FRONTEND_COUNT; i++) {
    const upstream = frontends[i - 1]!;
    links.push({
      name: `dynamodb-fe${i}`,
      from: 'clients',
      to: 'dynamodb',
      listen: { address: at(GROUP.dynamodbProxy, i), port: DYNAMODB_PORT },
      upstream,
      description: `every client of ${REGION} DynamoDB → frontend ${i}`,
    });
  }

  if (monitoring) {
    components.push(
      {
        name: 'blackbox',
        kind: 'blackbox',
        description: "Prometheus blackbox exporter: DNS probes of DynamoDB's endpoint through CoreDNS (typical and lesson-03 modules)",
        address: at(GROUP.monitoring, 2),
        port: 9115,
        extraPorts: {},
        dependsOn: ['coredns'],
        startAfter: [],
      },
      {
        name: 'alertmanager',
        kind: 'alertmanager',
        description: "Alertmanager: routes every alert to the harness's webhook (the run's history)",
        address: at(GROUP.monitoring, 3),
        port: 9093,
        extraPorts: {},
        dependsOn: [],
      },
      {
        name: 'prometheus',
        kind: 'prometheus',
        description: 'Prometheus: scrapes every service, CoreDNS, Toxiproxy, the probes and the harness; evaluates the alert rules in monitoring/rules/',
        address: at(GROUP.monitoring, 1),
        port: 9090,
        extraPorts: {},
        dependsOn: ['blackbox', 'alertmanager'],
        startAfter: [],
      },
    );
  }

  return {
    slot,
    monitoring,
    ...(options.systemResolver ? { systemResolver: { address: at(GROUP.infra, 2), port: SYSTEM_RESOLVER_PORT } } : {}),
    zone: ZONE,
    dynamodbName: `dynamodb.${REGION}.${ZONE.replace(/\.$/, '')}`,
    recordTtlSeconds: 1,
    components,
    links,
    harness: { console: { address: '127.0.0.1', port: CONSOLE_PORT_BASE + slot }, exporter: { address: at(GROUP.monitoring, 10), port: 9100 }, moto: { address: at(GROUP.reference, 1), port: 5000 } },
    dynamodb: {
      frontends,
      recordAddresses: links.filter((l) => l.to === 'dynamodb').map((l) => l.listen.address),
      port: DYNAMODB_PORT,
    },
  };
}

/** Where the `index`th user's service of a run listens (its own address in the lab's slot). */
export function userServiceEndpoint(topology: Topology, index: number): Endpoint {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_USER_SERVICES) throw new RangeError(`a run takes at most ${MAX_USER_SERVICES} services (index ${index})`);
  return { address: loopback(topology.slot, GROUP.userServices, index + 1), port: USER_SERVICE_PORT };
}

export function component(topology: Topology, name: string): ComponentDef {
  const found = topology.components.find((c) => c.name === name);
  if (!found) throw new Error(`topology has no component named "${name}"`);
  return found;
}

/** The link a component uses to reach another, if that path crosses Toxiproxy. */
export function linkFrom(topology: Topology, from: string, to: string): LinkDef | undefined {
  return topology.links.find((l) => l.from === from && l.to === to);
}

export function httpUrl(e: Endpoint): string {
  return `http://${e.address}:${e.port}`;
}

export function hostPort(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}

/** Every TCP endpoint the lab listens on, with its owner: what must be free before `up`. */
export function listeningEndpoints(topology: Topology): { owner: string; endpoint: Endpoint; udp?: boolean }[] {
  const out: { owner: string; endpoint: Endpoint; udp?: boolean }[] = [];
  for (const c of topology.components) {
    out.push({ owner: c.name, endpoint: { address: c.address, port: c.port } });
    if (c.kind === 'coredns') out.push({ owner: c.name, endpoint: { address: c.address, port: c.port }, udp: true });
    for (const [purpose, port] of Object.entries(c.extraPorts)) {
      out.push({ owner: `${c.name} (${purpose})`, endpoint: { address: c.address, port } });
    }
  }
  for (const [i, f] of topology.dynamodb.frontends.entries()) {
    if (i > 0) out.push({ owner: `dynamodb (frontend ${i + 1})`, endpoint: f });
  }
  for (const l of topology.links) out.push({ owner: `toxiproxy link ${l.name}`, endpoint: l.listen });
  if (topology.systemResolver) {
    out.push({ owner: 'coredns (system resolver)', endpoint: topology.systemResolver }, { owner: 'coredns (system resolver)', endpoint: topology.systemResolver, udp: true });
  }
  return out;
}

/** Components in an order where everything a component starts after comes before it. */
export function startOrder(topology: Topology): ComponentDef[] {
  const byName = new Map(topology.components.map((c) => [c.name, c]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: ComponentDef[] = [];
  const visit = (c: ComponentDef) => {
    if (done.has(c.name)) return;
    if (visiting.has(c.name)) throw new Error(`topology has a dependency cycle through "${c.name}"`);
    visiting.add(c.name);
    for (const dep of c.startAfter ?? c.dependsOn) {
      const d = byName.get(dep);
      if (!d) throw new Error(`component "${c.name}" depends on "${dep}", which the topology does not define`);
      visit(d);
    }
    visiting.delete(c.name);
    done.add(c.name);
    order.push(c);
  };
  for (const c of topology.components) visit(c);
  return order;
}

/**
 * The DNS names a plan covers: the regional endpoint first (the one clients use and the canary
 * watches), then FIPS, then per-cell names, up to `count`.
 */
export function endpointNames(topology: Topology, count: number): string[] {
  const zone = topology.zone.replace(/\.$/, '');
  const names = [topology.dynamodbName, `dynamodb-fips.${REGION}.${zone}`];
  for (let i = 1; names.length < count; i++) names.push(`dynamodb.cell-${i}.${REGION}.${zone}`);
  return names.slice(0, count);
}
