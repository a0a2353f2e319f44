/**
 * After the whole suite: stop any lab a test left running (a test that timed out, a crash), so
 * the suite never leaves coredns, toxiproxy, redis or services behind. Only after a run that had
 * lab tests (`*.lab.test.ts`) in it: a run of unit tests alone starts no lab, and must not stop
 * the labs of a suite running beside it (one such run once stopped a CI run's cluster).
 */
import type { TestProject } from 'vitest/node';
import { clusterDown } from './kubernetes/cluster/cluster.ts';
import { labDown } from './lab/lab.ts';
import { testSettings, TEST_SLOTS } from './lab/testing.ts';

export default function setup(project: TestProject) {
  return async function teardown() {
    const ran = project.vitest.state.getFiles().map((f) => f.filepath);
    if (!ran.some((f) => f.endsWith('.lab.test.ts'))) return;
    for (const slot of TEST_SLOTS) {
      const r = await labDown(testSettings(slot));
      if (r.stopped.length) process.stderr.write(`[teardown] slot ${slot}: stopped a lab a test left running (${r.stopped.join(', ')})\n`);
      // A test's single-node cluster, too (kubernetes/kubernetes.test.ts), should it have crashed.
      const c = await clusterDown({ home: testSettings(slot).home, log: () => {} });
      if (c.stopped.length) process.stderr.write(`[teardown] slot ${slot}: stopped a cluster a test left running (${c.stopped.join(', ')})\n`);
    }
  };
}
