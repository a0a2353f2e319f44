/**
 * The runbook's fix for the collapse: throttle DWFM's lease re-establishment (leases/s, batches in
 * flight) and restart DWFM's hosts, as the engineers did at T+4h26m. The restart is a real one
 * (the process or container is stopped and started again): everything DWFM had queued or in
 * flight is gone; the new DWFM reads its leases back from DynamoDB and keeps the throttle.
 */
import { z } from 'zod';
import { UserError } from '../../../core/errors.ts';
import { component, httpUrl } from '../../../topology/topology.ts';
import type { OperatorAction } from './action.ts';
import { post } from './post.ts';

/**
 * The runbook's throttle, as the scripted runbook of us-east-1 and herd applies it: at most 40
 * batches of lease writes in flight (the leases table's 40 workers: the queue cannot outgrow what
 * it drains), DWFM restarted. These are the defaults, so the button pressed as it comes breaks the
 * herd; a throttle with no limit at all would restart DWFM straight back into it, and is refused.
 */
export const RUNBOOK_THROTTLE = { maxPerSec: null, maxConcurrency: 40, restart: true } as const;

const Settings = z
  .object({
    maxPerSec: z.number().positive().nullable().default(RUNBOOK_THROTTLE.maxPerSec),
    maxConcurrency: z.number().int().positive().nullable().default(RUNBOOK_THROTTLE.maxConcurrency),
    /** Restart DWFM (its process or container) once the throttle is set. */
    restart: z.boolean().default(RUNBOOK_THROTTLE.restart),
  })
  .strict()
  .refine((s) => s.maxPerSec !== null || s.maxConcurrency !== null, {
    message: `maxPerSec and maxConcurrency are both null: that throttles nothing, and a restarted DWFM goes straight back into the herd; set at least one (the runbook's: maxConcurrency=${RUNBOOK_THROTTLE.maxConcurrency})`,
  });

export const throttleDwfmAction: OperatorAction<typeof Settings> = {
  action: 'throttle-dwfm',
  description: "throttle DWFM's lease re-establishment (leases/s, batches in flight), then restart DWFM",
  settings: Settings,
  async run(ctx, s) {
    const out = await post<Record<string, unknown>>('DWFM', `${httpUrl(component(ctx.topology, 'dwfm'))}/v1/admin/throttle`, { maxPerSec: s.maxPerSec, maxConcurrency: s.maxConcurrency, by: ctx.by });
    if (!s.restart) return out;
    if (!ctx.components) throw new UserError('throttle-dwfm with restart needs the lab that runs DWFM (scenarios have it); use restart: false against a lab from `up`');
    const started = performance.now();
    await ctx.components.restart('dwfm');
    return { ...out, restarted: true, restartMs: Math.round(performance.now() - started) };
  },
};
