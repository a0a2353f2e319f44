/** Phase 6 (always): stop the load and observers, read back every acknowledged write, stop the lab. */
import { checkWrites } from '../../observe/writes-check.ts';
import type { RunContext } from '../context.ts';

/** How long a run with monitoring waits, once it is over, for its alerts to resolve. */
export const ALERTS_QUIET_MS = 15_000;

export async function teardown(ctx: RunContext): Promise<void> {
  const o = ctx.observers;
  if (o.exporter && ctx.history && ctx.status !== 'interrupted') {
    // The pager goes quiet before the lab stops: every alert's resolution is in the history.
    const q = ctx.steps.start('alerts-quiet');
    const quiet = await o.exporter.quiet(ALERTS_QUIET_MS);
    ctx.history.record('runner', 'monitoring.quiet', { quiet, firing: o.exporter.firing });
    ctx.steps.end(q, quiet ? 'ok' : 'failed', quiet ? {} : { error: `${o.exporter.firing} alert(s) still firing after ${ALERTS_QUIET_MS / 1000} s` });
  }
  const s = ctx.steps.start('stop-observers');
  await ctx.services?.stop().catch(() => {});
  await o.customers?.stop().catch(() => {});
  await Promise.all(o.httpLoads.map((l) => l.stop().catch(() => {})));
  await o.canary?.stop().catch(() => {});
  await o.scraper?.stop().catch(() => {});
  ctx.steps.end(s);
  if (ctx.lab && o.customers && ctx.history) {
    const w = ctx.steps.start('check-writes');
    try {
      const result = await checkWrites(ctx.topology.dynamodb.frontends[0]!, o.customers.acked, ctx.model.dynamodb.accessKeyId);
      ctx.history.record('checker', 'writes.checked', { ...result });
      ctx.steps.end(w, 'ok', { output: { acknowledged: result.acknowledged, lost: result.lost } });
    } catch (err) {
      ctx.steps.end(w, 'failed', { error: (err as Error).message });
    }
  }
  await o.tail?.stop().catch(() => {});
  await o.client?.close().catch(() => {});
  const stop = ctx.steps.start('stop-lab');
  await ctx.lab?.stop();
  await o.exporter?.stop();
  ctx.steps.end(stop);
  ctx.history?.record('runner', 'run.end', { status: ctx.status });
  await ctx.history?.close();
}
