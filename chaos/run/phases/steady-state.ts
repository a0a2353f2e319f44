/**
 * Phase 3: warm up, wait (bounded) for the lab's own steady state, then the steady-state
 * hypothesis must hold before any fault (else: aborted).
 */
import { waitScraping } from '../../observe/prometheus-scraping.ts';
import { nowMs } from '../../../services/common/events.ts';
import type { RunContext } from '../context.ts';
import { is } from '../../../core/events.ts';
import { describeUnrest, leasesQuiet, leaseUnrest } from '../lab-settled.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when the hypothesis held; false (status aborted) when it did not. */
export async function steadyState(ctx: RunContext): Promise<boolean> {
  const h = ctx.history!;
  const ss = ctx.scenario.steadyState;
  h.record('runner', 'run.phase', { phase: 'warmup' });
  await Promise.race([sleep(ss.warmupMs), ctx.stopped]);
  ctx.opts.signal?.throwIfAborted();
  const settled = await labSettled(ctx);
  if (settled !== true) return aborted(ctx, settled);

  h.record('runner', 'run.phase', { phase: 'steady-state' });
  const verifyFrom = nowMs() - h.startedAt;
  await Promise.race([sleep(ss.verifyForMs), ctx.stopped]);
  ctx.opts.signal?.throwIfAborted();
  if (ctx.topology.monitoring) {
    // No fault before the monitoring watches (usually already so: the steady state outlasts it).
    const waitedMs = await ctx.steps.run('monitoring-scraping', () => waitScraping(ctx.topology, 20_000, ctx.opts.signal), (ms) => ({ waitedMs: ms }));
    h.record('runner', 'monitoring.scraping', { waitedMs });
  }
  const verify = ctx.steps.start('verify-steady-state');
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
  const leases = lapses.length ? `DWFM leases lapsed in the window (${lapses.map((e) => `${e.lapsed} at ${(e.t / 1000).toFixed(1)} s`).join(', ')})` : describeUnrest(unrest, ctx.labSettleWaitMs ?? 0);
  const detail = `canary ${canaryAll - canaryBad}/${canaryAll} ok, customer error rate ${(errorRate * 100).toFixed(2)} % of ${sent}; ${leases}`;
  if (canaryBad > 0 || canaryAll === 0 || errorRate > ss.maxCustomerErrorRate || lapses.length > 0 || !leasesQuiet(unrest, Infinity, 0)) {
    ctx.steps.end(verify, 'failed', { error: detail });
    return aborted(ctx, detail);
  }
  h.record('runner', 'steady-state.verified', { detail });
  ctx.steps.end(verify, 'ok', { output: detail });
  return true;
}

function aborted(ctx: RunContext, detail: string): false {
  ctx.history!.record('runner', 'steady-state.failed', { detail });
  ctx.status = 'aborted';
  return false;
}

/**
 * Waits until DWFM's leases have been quiet for the warm-up's length (chaos/run/lab-settled.ts):
 * a few leases lapsed while the machine was busy starting things are re-established by DWFM itself,
 * and the outage must start from a fleet whose leases all hold. The wait does not count against
 * the run's max duration. True when settled; else why not, after `settleWithinMs`.
 */
async function labSettled(ctx: RunContext): Promise<true | string> {
  const h = ctx.history!;
  const { warmupMs, settleWithinMs } = ctx.scenario.steadyState;
  const started = performance.now();
  const now = () => nowMs() - h.startedAt;
  const step = ctx.steps.start('lab-settled');
  while (!leasesQuiet(leaseUnrest(h.events), now(), warmupMs)) {
    if (performance.now() - started > settleWithinMs) {
      const why = `the lab did not settle within ${Math.round(settleWithinMs / 1000)} s of the warm-up: ${describeUnrest(leaseUnrest(h.events), 0)} (the machine is too busy for the lab's steady state; see the run's metrics)`;
      ctx.steps.end(step, 'failed', { error: why });
      return why;
    }
    const stop = await Promise.race([sleep(200).then(() => undefined), ctx.stopped]);
    ctx.opts.signal?.throwIfAborted();
    if (stop !== undefined) break;
  }
  // One poll (200 ms) or less is no wait.
  const waited = performance.now() - started;
  ctx.labSettleWaitMs = waited >= 200 ? waited : 0;
  if (ctx.labSettleWaitMs) ctx.extendRunEnd?.(ctx.labSettleWaitMs);
  ctx.steps.end(step, 'ok', { output: describeUnrest(leaseUnrest(h.events), ctx.labSettleWaitMs) });
  return true;
}
