/**
 * A component restarted: stopped (gracefully, then forced) and started again from the same spec,
 * ready before the fault counts as injected. Over once it is back (durationMs must be left unset).
 */
import { z } from 'zod';
import { componentFault, FaultBase } from './fault.ts';

export const RestartFaultSchema = z
  .object({
    type: z.literal('restart'),
    ...FaultBase,
    target: z.string().min(1),
  })
  .strict()
  .refine((f) => f.durationMs === null, { message: 'a restart is over once the component is back: leave durationMs unset', path: ['durationMs'] });

export type RestartFault = z.infer<typeof RestartFaultSchema>;

export const restart = componentFault<RestartFault>('restart', (c, target) => c.restart(target));
