/**
 * A component killed at once (SIGKILL locally, `docker kill` in Docker): no graceful stop, no
 * flush. It stays down for durationMs, then is started again from the same spec (null: until the
 * run ends, when it is started again before the lab stops).
 */
import { z } from 'zod';
import { componentFault, FaultBase } from './fault.ts';

export const KillFaultSchema = z
  .object({
    type: z.literal('kill'),
    ...FaultBase,
    /** The component to kill, e.g. redis. */
    target: z.string().min(1),
  })
  .strict();

export type KillFault = z.infer<typeof KillFaultSchema>;

export const kill = componentFault<KillFault>(
  'kill',
  (c, target) => c.kill(target),
  (c, target) => c.restart(target),
);
