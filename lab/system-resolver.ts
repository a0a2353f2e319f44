/**
 * A user's service must meet the lab's DNS the way AWS's customers met Route 53's: through its
 * *system* resolver — getaddrinfo reading /etc/resolv.conf — not through a resolver the lab
 * hands it. So the service gets a resolv.conf of its own naming the lab's CoreDNS on port 53
 * (the topology's system resolver), and, in the local runtime, its own mount namespace in which
 * that file is bind-mounted over /etc/resolv.conf (the rest of the machine keeps its resolver).
 *
 * Privileges: the mount namespace needs CAP_SYS_ADMIN (root) or an unprivileged user namespace
 * (`unshare --user --map-root-user`, where the kernel allows it); binding port 53 needs root or
 * CAP_NET_BIND_SERVICE. `mountNamespaceMode()` finds which works here, and says what to do when
 * neither does, before anything starts.
 *
 * Negative answers: the lab's zone gives the empty record a negative TTL of the records' own
 * (the SOA minimum, 1 s); glibc keeps no cache (no nscd here), Node, Python and Go keep none, the
 * JVM keeps negative answers 10 s by default (networkaddress.cache.negative.ttl).
 */
import { spawnSync } from 'node:child_process';
import { UserError } from '../core/errors.ts';
import type { Endpoint } from '../topology/topology.ts';

/** resolv.conf for a service: the lab's CoreDNS only; a second try after 1 s, as resolvers do. */
export function resolvConf(resolver: Endpoint): string {
  if (resolver.port !== 53) throw new Error(`a system resolver listens on port 53 (resolv.conf has no port field), not ${resolver.port}`);
  return `# written by outage-lab: this service resolves names through the lab's CoreDNS only\nnameserver ${resolver.address}\noptions timeout:1 attempts:2\n`;
}

export type MountNamespaceMode = 'root' | 'user-namespace';

/** `sh -c` script run inside the namespace: the file over /etc/resolv.conf, then the service itself. */
const INNER = 'mount --bind "$0" /etc/resolv.conf && exec "$@"';

/** The command that runs `command` with `resolvConfPath` as its /etc/resolv.conf. */
export function inOwnResolver(mode: MountNamespaceMode, resolvConfPath: string, command: readonly string[]): { file: string; args: string[] } {
  const ns = mode === 'root' ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
  return { file: 'unshare', args: [...ns, '--', 'sh', '-c', INNER, resolvConfPath, ...command] };
}

let probed: MountNamespaceMode | undefined;

/** Which way this machine gives a process its own /etc/resolv.conf; a UserError saying how to fix it when none does. */
export function mountNamespaceMode(): MountNamespaceMode {
  if (probed) return probed;
  const tried: string[] = [];
  for (const mode of ['root', 'user-namespace'] as const) {
    const { file, args } = inOwnResolver(mode, '/etc/resolv.conf', ['true']);
    const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) return (probed = mode);
    tried.push(`${file} ${args.slice(0, args.indexOf('--')).join(' ')}: ${(r.error?.message ?? r.stderr ?? '').trim().split('\n')[0] || `exit ${r.status}`}`);
  }
  throw new UserError(
    `the local runtime cannot give a service its own /etc/resolv.conf (tried ${tried.join('; ')}): run outage-lab as root, allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0), or use --runtime docker`,
  );
}
