/** The on-call fix: every DynamoDB record back to the healthy frontends, DNS automation disabled. */
import { z } from 'zod';
import { component, httpUrl } from '../../../topology/topology.ts';
import type { OperatorAction } from './action.ts';
import { post } from './post.ts';

const Settings = z.object({}).strict();

export const restoreDnsAction: OperatorAction<typeof Settings> = {
  action: 'restore-dns',
  description: 'repair every DynamoDB record with the healthy frontends and disable DNS automation',
  settings: Settings,
  run: (ctx) => post('Route 53', `${httpUrl(component(ctx.topology, 'route53'))}/v1/operator/restore-dns`, { by: ctx.by }),
};
