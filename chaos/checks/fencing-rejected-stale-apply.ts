/** With safeguards on, the delayed Enactor's stale apply was refused by Route 53's fencing. */
import { z } from 'zod';
import { is } from '../../core/events.ts';
import { fail, pass, skipped, type Check } from './check.ts';

export const fencingRejectedStaleApply: Check = {
  name: 'fencing-rejected-stale-apply',
  description: "with safeguards on, a stale apply from an Enactor a fault delayed was rejected by fencing (skipped with safeguards off)",
  settings: z.object({}).strict(),
  evaluate({ events, model, figures }) {
    if (model.safeguards !== 'on') return skipped('safeguards are off: nothing fences applies');
    const faulted = events.filter(is('fault.injected'));
    const rejected = events.filter(is('route53.apply.rejected-stale')).find((e) => faulted.some((f) => e.t >= f.t && f.affects.includes(e.enactor)));
    return rejected
      ? pass(`the delayed ${rejected.enactor}'s stale apply of plan ${rejected.generation} was rejected by fencing at ${Math.round(rejected.t)} ms (record had ${rejected.active}); ${figures.enactors.staleAppliesRejected} rejections in all`)
      : fail('no stale apply from the delayed Enactor was rejected (are safeguards on? did the fault last long enough?)');
  },
};
