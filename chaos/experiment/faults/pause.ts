/**
 * A component frozen (SIGSTOP locally, `docker pause` in Docker): its connections stay open and
 * nothing is answered, the way a GC pause or a stuck host looks from outside. Resumed when healed.
 */
import { z } from 'zod';
import { componentFault, FaultBase } from './fault.ts';

export const PauseFaultSchema = z
  .object({
    type: z.literal('pause'),
    ...FaultBase,
    target: z.string().min(1),
  })
  .strict();

export type PauseFault = z.infer<typeof PauseFaultSchema>;

export const pause = componentFault<PauseFault>(
  'pause',
  (c, target) => c.pause(target),
  (c, target) => c.resume(target),
);
