/**
 * The runbook's fix for the collapse: throttle DWFM's lease re-establishment (leases/s, batches in
 * flight) and restart DWFM's hosts, as the engineers did at T+4h26m. The restart is a real one
 * (the process or container is stopped and started again): everything DWFM had queued or in
 * flight is gone; the new DWFM reads its leases back from DynamoDB and keeps the throttle.
 */
import { z } from 'zod';
import { UserError } from '../../lab/errors.ts';
import { component, httpUrl } from '../../topology/topology.ts';
import type { OperatorAction } from './action.ts';
import { post } from './post.ts';

const Settings = z
  .object({
    maxPerSec: z.number().positive().nullable().default(null),
    maxConcurrency: z.number().int().positive().nullable().default(null),
    /** Restart DWFM (its process or container) once the throttle is set. */
    restart: z.boolean().default(true),
  })
  .strict();

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
