/**
 * Phase 3: warm up, wait (bounded) for the lab's own steady state, then the steady-state
 * hypothesis must hold for `verifyForMs` before any fault. A window in which it did not hold is
 * watched again while `settleWithinMs` (from the warm-up's end) lasts — a lab still starting on a
 * busy machine is not yet the system under test — and the run is aborted once that has passed.
 */
import { waitScraping } from '../../observe/prometheus-scraping.ts';
import { nowMs } from '../../../services/common/events.ts';
import type { RunContext } from '../context.ts';
import { is } from '../../../core/events.ts';
import { describeUnrest, leasesQuiet, leaseUnrest, shouldReseed } from '../lab-settled.ts';
import { post } from '../../experiment/operator/post.ts';
import { component, httpUrl } from '../../../topology/topology.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when the hypothesis held; false (status aborted) when it did not. */
export async function steadyState(ctx: RunContext): Promise<boolean> {
  const h = ctx.history!;
  const ss = ctx.scenario.steadyState;
  h.record('runner', 'run.phase', { phase: 'warmup' });
  await Promise.race([sleep(ss.warmupMs), ctx.stopped]);
  ctx.opts.signal?.throwIfAborted();
  const started = performance.now();
  const settleBy = started + ss.settleWithinMs;
  /** Time spent waiting beyond one verify window: not the scenario's time. */
  const extend = () => {
    const waited = performance.now() - started - ss.verifyForMs;
    if (waited >= 200) ctx.extendRunEnd?.(waited);
  };
  for (let window = 1; ; window++) {
    const settled = await labSettled(ctx, settleBy);
    if (settled !== true) return aborted(ctx, settled);
    if (window === 1) h.record('runner', 'run.phase', { phase: 'steady-state' });
    const verifyFrom = nowMs() - h.startedAt;
    await Promise.race([sleep(ss.verifyForMs), ctx.stopped]);
    ctx.opts.signal?.throwIfAborted();
    if (ctx.topology.monitoring) {
      // No fault before the monitoring watches (usually already so: the steady state outlasts it).
      const waitedMs = await ctx.steps.run('monitoring-scraping', () => waitScraping(ctx.topology, 20_000, ctx.opts.signal), (ms) => ({ waitedMs: ms }));
      h.record('runner', 'monitoring.scraping', { waitedMs });
    }
    const verify = ctx.steps.start('verify-steady-state');
    const { held, detail } = hypothesis(ctx, verifyFrom, performance.now() - started - ss.verifyForMs);
    if (held) {
      extend();
      h.record('runner', 'steady-state.verified', { detail: window > 1 ? `${detail} (window ${window}; the earlier ones did not hold)` : detail });
      ctx.steps.end(verify, 'ok', { output: detail });
      return true;
    }
    ctx.steps.end(verify, 'failed', { error: detail });
    if (performance.now() >= settleBy) return aborted(ctx, `${detail} (no window held within ${Math.round(ss.settleWithinMs / 1000)} s of the warm-up)`);
    h.record('runner', 'steady-state.not-yet', { detail, window });
  }
}

/** Whether the hypothesis held in the window from `verifyFrom` (ms into the run) to now, and what was seen. */
function hypothesis(ctx: RunContext, verifyFrom: number, waitedMs: number): { held: boolean; detail: string } {
  const h = ctx.history!;
  const ss = ctx.scenario.steadyState;
  const since = h.events.filter((e) => e.t >= verifyFrom);
  const canary = since.filter(is('canary'));
  const canaryAll = canary.length;
  const canaryBad = canary.filter((e) => e.outcome !== 'ok').length;
  const load = since.filter(is('load.second'));
  const sent = load.reduce((a, e) => a + e.sent, 0);
  const ok = load.reduce((a, e) => a + e.ok, 0);
  const errorRate = sent ? (sent - ok) / sent : 0;
  const lapses = since.filter(is('dwfm.leases.lapsing'));
  const unrest = leaseUnrest(h.events);
  const leases = lapses.length ? `DWFM leases lapsed in the window (${lapses.map((e) => `${e.lapsed} at ${(e.t / 1000).toFixed(1)} s`).join(', ')})` : describeUnrest(unrest, waitedMs >= 200 ? waitedMs : 0);
  const detail = `canary ${canaryAll - canaryBad}/${canaryAll} ok, customer error rate ${(errorRate * 100).toFixed(2)} % of ${sent}; ${leases}`;
  const held = !(canaryBad > 0 || canaryAll === 0 || errorRate > ss.maxCustomerErrorRate || lapses.length > 0 || !leasesQuiet(unrest, Infinity, 0));
  return { held, detail };
}

function aborted(ctx: RunContext, detail: string): false {
  ctx.history!.record('runner', 'steady-state.failed', { detail });
  ctx.status = 'aborted';
  return false;
}

/**
 * Waits until DWFM's leases have been quiet for the warm-up's length (chaos/run/lab-settled.ts):
 * a few leases lapsed while the machine was busy starting things are re-established by DWFM itself,
 * and the outage must start from a fleet whose leases all hold; an episode DWFM does not end within
 * RESEED_AFTER_MS is ended by re-seeding the fleet (lab-settled.ts). The wait does not count against
 * the run's max duration. True when settled; else why not, once `settleBy` has passed.
 */
async function labSettled(ctx: RunContext, settleBy: number): Promise<true | string> {
  const h = ctx.history!;
  const { warmupMs, settleWithinMs } = ctx.scenario.steadyState;
  const now = () => nowMs() - h.startedAt;
  const step = ctx.steps.start('lab-settled');
  let lastReseedT: number | undefined;
  while (!leasesQuiet(leaseUnrest(h.events), now(), warmupMs)) {
    if (performance.now() > settleBy) {
      const why = `the lab did not settle within ${Math.round(settleWithinMs / 1000)} s of the warm-up: ${describeUnrest(leaseUnrest(h.events), 0)} (the machine is too busy for the lab's steady state; see the run's metrics)`;
      ctx.steps.end(step, 'failed', { error: why });
      return why;
    }
    if (shouldReseed(leaseUnrest(h.events), now(), lastReseedT)) {
      lastReseedT = now();
      // dwfm.reseeded in the history; a DWFM too busy to answer in time is asked again RESEED_AFTER_MS later.
      // notAfter: a request DWFM reads after the run stopped waiting for it does nothing (post waits 10 s).
      await post('DWFM', `${httpUrl(component(ctx.topology, 'dwfm'))}/_lab/reseed`, { notAfter: Date.now() + 5000 }).catch((err: Error) => ctx.opts.log(`re-seeding DWFM's fleet: ${err.message}`));
    }
    const stop = await Promise.race([sleep(200).then(() => undefined), ctx.stopped]);
    ctx.opts.signal?.throwIfAborted();
    if (stop !== undefined) break;
  }
  ctx.steps.end(step, 'ok', { output: describeUnrest(leaseUnrest(h.events), 0) });
  return true;
}
