/**
 * A component frozen (SIGSTOP locally, `docker pause` in Docker): its connections stay open and
 * nothing is answered, the way a GC pause or a stuck host looks from outside. Resumed when healed.
 */
import { z } from 'zod';
import { FaultBase, unknownComponent, type FaultType } from './fault.ts';

export const PauseFaultSchema = z
  .object({
    type: z.literal('pause'),
    ...FaultBase,
    target: z.string().min(1),
  })
  .strict();

export type PauseFault = z.infer<typeof PauseFaultSchema>;

export const pause: FaultType<PauseFault> = {
  type: 'pause',
  validate: (spec, topology) => unknownComponent(topology, spec.target),
  affects: (spec) => [spec.target],
  async inject(ctx, spec) {
    await ctx.components.pause(spec.target);
    let healed = false;
    return {
      async heal() {
        if (healed) return;
        await ctx.components.resume(spec.target);
        healed = true;
      },
    };
  },
};
