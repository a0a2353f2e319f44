/**
 * A component killed at once (SIGKILL locally, `docker kill` in Docker): no graceful stop, no
 * flush. It stays down for durationMs, then is started again from the same spec (null: until the
 * run ends, when it is started again before the lab stops).
 */
import { z } from 'zod';
import { FaultBase, unknownComponent, type FaultType } from './fault.ts';

export const KillFaultSchema = z
  .object({
    type: z.literal('kill'),
    ...FaultBase,
    /** The component to kill, e.g. redis. */
    target: z.string().min(1),
  })
  .strict();

export type KillFault = z.infer<typeof KillFaultSchema>;

export const kill: FaultType<KillFault> = {
  type: 'kill',
  validate: (spec, topology) => unknownComponent(topology, spec.target),
  affects: (spec) => [spec.target],
  async inject(ctx, spec) {
    await ctx.components.kill(spec.target);
    let healed = false;
    return {
      async heal() {
        if (healed) return;
        await ctx.components.restart(spec.target);
        healed = true;
      },
    };
  },
};
