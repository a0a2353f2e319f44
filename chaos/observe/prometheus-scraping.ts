/**
 * Prometheus answers ready at once but scrapes nothing until its target discovery sends its first
 * update, ~5 s after start (the discovery manager throttles updates to one per 5 s). An alert can
 * only fire once its targets are scraped, so a run with monitoring waits for this before its
 * faults — during its steady state, which lasts longer than that, so it costs no wall time — and
 * `up --monitoring` before it says the lab is up.
 */
import { UserError } from '../../core/errors.ts';
import { sleep } from '../../lab/proc.ts';
import { probe } from '../../lab/ready.ts';
import { component, hostPort, type Topology } from '../../topology/topology.ts';

/** Resolves once Prometheus has active targets; returns how long it waited. */
export async function waitScraping(topology: Topology, timeoutMs = 20_000, signal?: AbortSignal): Promise<number> {
  const url = `http://${hostPort(component(topology, 'prometheus'))}`;
  const started = Date.now();
  while (!(await probe({ kind: 'prometheus', url }, 500))) {
    signal?.throwIfAborted();
    if (Date.now() - started > timeoutMs) throw new UserError(`Prometheus at ${url} discovered no scrape target within ${timeoutMs / 1000} s: see its log in the run folder (logs/prometheus.log)`);
    await sleep(100);
  }
  return Date.now() - started;
}
