/** Phase 3: warm up, then the steady-state hypothesis must hold before any fault (else: aborted). */
import { waitScraping } from '../../observe/prometheus-scraping.ts';
import { nowMs } from '../../../services/common/events.ts';
import type { RunContext } from '../context.ts';
import { is } from '../../../core/events.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when the hypothesis held; false (status aborted) when it did not. */
export async function steadyState(ctx: RunContext): Promise<boolean> {
  const h = ctx.history!;
  const ss = ctx.scenario.steadyState;
  h.record('runner', 'run.phase', { phase: 'warmup' });
  await Promise.race([sleep(ss.warmupMs), ctx.stopped]);
  ctx.opts.signal?.throwIfAborted();

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
  const detail = `canary ${canaryAll - canaryBad}/${canaryAll} ok, customer error rate ${(errorRate * 100).toFixed(2)} % of ${sent}`;
  if (canaryBad > 0 || canaryAll === 0 || errorRate > ss.maxCustomerErrorRate) {
    h.record('runner', 'steady-state.failed', { detail });
    ctx.steps.end(verify, 'failed', { error: detail });
    ctx.status = 'aborted';
    return false;
  }
  h.record('runner', 'steady-state.verified', { detail });
  ctx.steps.end(verify, 'ok', { output: detail });
  return true;
}
