/**
 * The NLB's health checks, changed while it runs: automatic health-check failover off (AWS's
 * step at 09:36 AM: every removed target back in service, failing checks no longer remove any)
 * and/or velocity control (at most a share of the targets removed per window).
 */
import { z } from 'zod';
import { NlbSettingsSchema } from '../../../core/model-config.ts';
import { component, httpUrl } from '../../../topology/topology.ts';
import type { OperatorAction } from './action.ts';
import { post } from './post.ts';

const Settings = z
  .object({
    /** false: failing health checks no longer take targets out of service, and removed ones go back in. */
    automaticFailover: z.boolean().default(false),
    /** Velocity control from now on, e.g. { maxRemovedFraction: 0.1, windowMs: 5000 }; null turns it off; absent leaves it. */
    velocity: NlbSettingsSchema.shape.velocity.removeDefault().optional(),
  })
  .strict();

export const nlbHealthChecksAction: OperatorAction<typeof Settings> = {
  action: 'nlb-health-checks',
  description: "change the NLB's health checks: automatic failover off (removed targets back in service) and/or velocity control",
  settings: Settings,
  run: (ctx, s) => post('NLB', `${httpUrl(component(ctx.topology, 'nlb'))}/v1/admin/health-checks`, { ...s, by: ctx.by }),
};
