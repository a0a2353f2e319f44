/** Phase 5 (always, also on Ctrl-C): every fault still active is healed; Toxiproxy is reset as a last resort. */
import type { RunContext } from '../context.ts';

export async function healAll(ctx: RunContext): Promise<void> {
  for (const t of ctx.timers) clearTimeout(t);
  const r = ctx.steps.start('heal-all');
  const errors: string[] = [];
  for (const [name, f] of ctx.activeFaults) {
    try {
      await f.heal();
      ctx.history?.record('nemesis', 'fault.healed', { name });
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  ctx.activeFaults.clear();
  if (errors.length && ctx.lab) {
    // Last resort: Toxiproxy's reset enables every proxy and removes every toxic.
    await ctx.lab.toxiproxy.reset().catch((err: Error) => errors.push(`reset: ${err.message}`));
  }
  ctx.steps.end(r, errors.length ? 'failed' : 'ok', errors.length ? { error: errors.join('; ') } : {});
}
