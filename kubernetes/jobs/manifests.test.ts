import { describe, expect, it } from 'vitest';
import { ENV_GUESTS } from '../../lab/runtimes/sidecar.ts';
import { GUESTS_DIR, jobManifest, LAUNCHER, type JobSpec } from './manifests.ts';
import { decodeShards, ENV_SHARDS } from './shards-env.ts';

const base: JobSpec = { kind: 'sweep', id: 'abc', namespace: 'ns', image: 'outage-lab/runner:1', pullPolicy: 'Never', completions: 2, parallelism: 2, owner: 'o', shards: [{ seed: 1 }, { seed: 2 }] };
type Pod = { shareProcessNamespace?: boolean; volumes?: unknown[]; initContainers?: Record<string, unknown>[]; containers: { env: { name: string; value: string }[]; volumeMounts?: unknown[]; resources: { requests: { cpu: string } } }[] };
const podOf = (s: JobSpec) => (jobManifest(s) as { spec: { template: { spec: Pod } } }).spec.template.spec;

describe('the Job of a sweep', () => {
  it('without a service: one container, its own process namespace, no shared folder; the shards readable back', () => {
    const pod = podOf(base);
    expect(pod.initContainers).toBeUndefined();
    expect(pod.shareProcessNamespace).toBeUndefined();
    expect(pod.volumes).toBeUndefined();
    expect(pod.containers[0]!.env.map((e) => e.name)).not.toContain(ENV_GUESTS);
    expect(decodeShards(pod.containers[0]!.env.find((e) => e.name === ENV_SHARDS)!.value)).toEqual(base.shards);
  });

  it('with a service: its image as a native sidecar running the launcher with the image command, one PID namespace, a folder shared with the lab', () => {
    const pod = podOf({ ...base, guests: [{ name: 'svc-orders', image: 'outage-lab/svc-orders-pod:1', command: ['/usr/bin/node', 'server.mjs'] }] });
    expect(pod.shareProcessNamespace).toBe(true);
    expect(pod.volumes).toEqual([{ name: 'guests', emptyDir: {} }]);
    expect(pod.initContainers).toEqual([
      expect.objectContaining({ name: 'svc-orders', image: 'outage-lab/svc-orders-pod:1', imagePullPolicy: 'Never', restartPolicy: 'Always', command: [LAUNCHER, `${GUESTS_DIR}/svc-orders`, '--', '/usr/bin/node', 'server.mjs'], volumeMounts: [{ name: 'guests', mountPath: GUESTS_DIR }] }),
    ]);
    const lab = pod.containers[0]!;
    expect(lab.env).toContainEqual({ name: ENV_GUESTS, value: GUESTS_DIR });
    expect(lab.volumeMounts).toEqual([{ name: 'guests', mountPath: GUESTS_DIR }]);
    // The lab and the service together ask for 1.75 cores: one such pod per 2-core node.
    expect(lab.resources.requests.cpu).toBe('1500m');
    expect(pod.initContainers![0]).toMatchObject({ resources: { requests: { cpu: '250m' } } });
  });
});
