/**
 * Where things sit in the runner image (outage-lab/runner: one lab in one pod), shared by the
 * image build and the Job's pod template. No dependencies: the pod's side imports it.
 */
import { IN_IMAGE } from '../lab/runtimes/image-names.ts';

/** Where things sit in the runner image. */
export const RUNNER = {
  cli: '/app/cli/main.mjs',
  bundles: '/app/bundles',
  node: IN_IMAGE.node,
  env: {
    OUTAGE_LAB_BUNDLES: '/app/bundles',
    OUTAGE_LAB_REDIS_SERVER: IN_IMAGE['redis-server'],
    OUTAGE_LAB_COREDNS: IN_IMAGE.coredns,
    OUTAGE_LAB_TOXIPROXY: IN_IMAGE['toxiproxy-server'],
    OUTAGE_LAB_HOME: '/tmp/outage-lab',
    HOME: '/tmp',
  },
} as const;

