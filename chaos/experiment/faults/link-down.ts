/** Links cut: the Toxiproxy proxies are disabled, so connections are refused until healed. */
import { z } from 'zod';
import { FaultBase, linkClients, unknownLink, type FaultType } from './fault.ts';

export const LinkDownFaultSchema = z
  .object({
    type: z.literal('link-down'),
    ...FaultBase,
    links: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type LinkDownFault = z.infer<typeof LinkDownFaultSchema>;

export const linkDown: FaultType<LinkDownFault> = {
  type: 'link-down',
  validate: (spec, topology) => spec.links.map((l) => unknownLink(topology, l)).find(Boolean),
  affects: (spec, topology) => linkClients(topology, spec.links),
  async inject(ctx, spec) {
    for (const l of spec.links) await ctx.toxiproxy.setEnabled(l, false);
    return {
      async heal() {
        for (const l of spec.links) await ctx.toxiproxy.setEnabled(l, true);
      },
    };
  },
};
