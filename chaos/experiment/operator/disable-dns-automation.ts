/**
 * The incident's first mitigation (T+~30 min): DynamoDB's DNS automation disabled, so no Enactor
 * can change a record any more (Route 53 refuses their changes inside the same transaction).
 * It does not repair the record: `restore-dns` does both.
 */
import { z } from 'zod';
import { component, httpUrl } from '../../../topology/topology.ts';
import type { OperatorAction } from './action.ts';
import { post } from './post.ts';

const Settings = z.object({}).strict();

export const disableDnsAutomationAction: OperatorAction<typeof Settings> = {
  action: 'disable-dns-automation',
  description: 'disable DNS automation: Route 53 refuses every Enactor change (the record is not repaired)',
  settings: Settings,
  run: (ctx) => post('Route 53', `${httpUrl(component(ctx.topology, 'route53'))}/v1/automation`, { enabled: false, by: ctx.by }),
};
