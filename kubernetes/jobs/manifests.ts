/**
 * The Kubernetes objects a sweep or a game day runs as: an Indexed Job — one completion per shard
 * (a sweep's run, a game day's arm), `JOB_COMPLETION_INDEX` picking the shard,
 * `backoffLimitPerIndex` retrying a failed shard, `parallelism` how many labs at once — whose pods
 * each hold one lab on loopback (their own network namespace; no Service, no hostNetwork), and
 * the Namespace. A pod's lab binds only to loopback addresses; pods share the node's network
 * (hostNetwork: containerd's CRI will not set up a pod whose CNI result has no interface but
 * loopback), each lab on its own slot 127.<100 + index % 100>.x.y, and a replacement pod starts
 * only once the pod it replaces is gone (podReplacementPolicy Failed), so two never share a slot.
 * Labels say which sweep or game day every object belongs to and whose lab home started it, so
 * cleanup after a crash finds them.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { ENV_GUESTS } from '../../lab/runtimes/sidecar.ts';
import { RUNNER } from '../runner.ts';
import { encodeShards, ENV_SHARDS } from './shards-env.ts';

export const LABEL = { app: 'app.kubernetes.io/name', kind: 'outage-lab.io/kind', run: 'outage-lab.io/run', owner: 'outage-lab.io/owner' } as const;

/** The lab slot a shard's pod uses (hostNetwork: every pod on the node's loopback). */
export const shardSlot = (index: number) => 100 + (index % 100);

/** The owner label of a lab home (a label value is at most 63 characters). */
export const ownerOf = (home: string) => createHash('sha256').update(resolve(home)).digest('hex').slice(0, 16);

export interface JobSpec {
  readonly kind: 'sweep' | 'gameday';
  /** Unique per invocation: the Job's name and run label. */
  readonly id: string;
  readonly namespace: string;
  readonly image: string;
  readonly pullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  readonly completions: number;
  readonly parallelism: number;
  readonly owner: string;
  /** The shards, as the pods read them (OUTAGE_LAB_SHARDS, shards-env.ts). */
  readonly shards: unknown;
  readonly backoffLimitPerIndex?: number;
  /** Users' services: each a container of every shard's pod, from its own image (guests.ts). */
  readonly guests?: readonly GuestContainer[];
}

/** A user's service as a container of a shard's pod: its image (with the launcher) and the image's own command. */
export interface GuestContainer {
  /** The component's name (svc-<service>), also its folder under the shared one. */
  readonly name: string;
  readonly image: string;
  /** The image's entrypoint and command, which the launcher starts when the lab says so. */
  readonly command: readonly string[];
}

/** Where a shard's pod shares its services' folders between the lab and their containers. */
export const GUESTS_DIR = '/outage-lab-guests';
/** Where the launcher sits in a service's image (guests.ts adds it). */
export const LAUNCHER = '/.outage-lab/launch';

export const jobName = (s: Pick<JobSpec, 'kind' | 'id'>) => `outage-lab-${s.kind}-${s.id}`;

export function labelsOf(s: JobSpec): Record<string, string> {
  return { [LABEL.app]: 'outage-lab', [LABEL.kind]: s.kind, [LABEL.run]: s.id, [LABEL.owner]: s.owner };
}

export function namespaceManifest(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [LABEL.app]: 'outage-lab' } } };
}

const guestsMount = { name: 'guests', mountPath: GUESTS_DIR };

/**
 * CPU a shard with a user's service asks for: its lab and the service's container. Two such labs
 * on one 2-core node starved each other (the lab's own settle check aborted 5 of 6 runs,
 * docs/kubernetes.md), so the pod asks for 1.75 cores and the scheduler runs one per 2-core node.
 */
const LAB_WITH_SERVICE_CPU = '1500m';
const SERVICE_CPU = '250m';

/**
 * What a pod carrying users' services adds: one PID namespace for the pod (the lab signals and
 * watches a service as its own process), a folder the lab and the services' containers share, and
 * each service as a native sidecar — an init container with restartPolicy Always, started before
 * the lab and stopped after it, whose exit never decides the pod's outcome — running the launcher,
 * which starts the image's own command when the lab asks.
 */
function guestsOfPod(s: JobSpec, guests: readonly GuestContainer[]): Record<string, unknown> {
  return {
    shareProcessNamespace: true,
    volumes: [{ name: 'guests', emptyDir: {} }],
    initContainers: guests.map((g) => ({
      name: g.name,
      image: g.image,
      imagePullPolicy: s.pullPolicy,
      restartPolicy: 'Always',
      command: [LAUNCHER, `${GUESTS_DIR}/${g.name}`, '--', ...g.command],
      volumeMounts: [guestsMount],
      resources: { requests: { cpu: SERVICE_CPU, memory: '256Mi' } },
    })),
  };
}

export function jobManifest(s: JobSpec): Record<string, unknown> {
  const labels = labelsOf(s);
  const guests = s.guests ?? [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(s), namespace: s.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: s.completions,
      parallelism: s.parallelism,
      // A failed shard is retried by the Job controller, up to twice, without failing the others.
      backoffLimitPerIndex: s.backoffLimitPerIndex ?? 2,
      podReplacementPolicy: 'Failed',
      // A safety net if the harness dies with the Job finished: the engine deletes it.
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          hostNetwork: true,
          dnsPolicy: 'Default',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 8,
          containers: [
            {
              name: 'lab',
              image: s.image,
              imagePullPolicy: s.pullPolicy,
              command: [RUNNER.node, RUNNER.cli, 'k8s', 'shard'],
              env: [...Object.entries(RUNNER.env).map(([name, value]) => ({ name, value })), { name: ENV_SHARDS, value: encodeShards(s.shards) }, ...(guests.length ? [{ name: ENV_GUESTS, value: GUESTS_DIR }] : [])],
              // One lab wants most of a core; with a user's service and its workload, most of two
              // (docs/kubernetes.md, measured). The scheduler places no more than fit a node.
              resources: { requests: { cpu: guests.length ? LAB_WITH_SERVICE_CPU : '900m', memory: '1Gi' } },
              ...(guests.length ? { volumeMounts: [guestsMount] } : {}),
            },
          ],
          ...(guests.length ? guestsOfPod(s, guests) : {}),
        },
      },
    },
  };
}

export const manifestsYaml = (docs: readonly Record<string, unknown>[]) => docs.map((d) => stringify(d)).join('---\n');

/** --on kubernetes flags, each checked with an error naming it. */
export const K8sFlagsSchema = z.object({
  parallel: z.string().regex(/^\d+$/, '--parallel: expected a whole number from 1 to 100').transform(Number).pipe(z.number().int().min(1, '--parallel: at least 1').max(100, '--parallel: at most 100')),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, '--namespace: a Kubernetes name — lower-case letters, digits and -, at most 63, starting and ending with a letter or digit'),
  image: z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, '--image: an image reference such as registry.example/outage-lab/runner:1.0')
    .optional(),
});

export function parseK8sFlags(raw: { parallel?: string; namespace?: string; image?: string }): { parallel: number; namespace: string; image?: string } {
  const r = K8sFlagsSchema.safeParse({ parallel: raw.parallel ?? '2', namespace: raw.namespace ?? 'outage-lab', image: raw.image });
  if (!r.success) throw new InputError(`${r.error.issues[0]!.message} (got ${JSON.stringify(raw[(r.error.issues[0]!.path[0] as 'parallel') ?? 'parallel'])})`);
  return r.data;
}
