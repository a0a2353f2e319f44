/** The runbook's manual throttle of DWFM's lease re-establishment, optionally dropping its backlog. */
import { z } from 'zod';
import { component, httpUrl } from '../../topology/topology.ts';
import type { OperatorAction } from './action.ts';
import { post } from './post.ts';

const Settings = z
  .object({
    maxPerSec: z.number().positive().nullable().default(null),
    maxConcurrency: z.number().int().positive().nullable().default(null),
    /** Restart DWFM's client: drop its queued and in-flight work. */
    resetConnections: z.boolean().default(true),
  })
  .strict();

export const throttleDwfmAction: OperatorAction<typeof Settings> = {
  action: 'throttle-dwfm',
  description: "throttle DWFM's lease re-establishment (leases/s, batches in flight) and drop its queued work",
  settings: Settings,
  run: (ctx, s) => post('DWFM', `${httpUrl(component(ctx.topology, 'dwfm'))}/v1/admin/throttle`, { ...s, by: ctx.by }),
};
