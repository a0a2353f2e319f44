/** Every write DynamoDB acknowledged to a customer reads back after the run. */
import { z } from 'zod';
import { fail, pass, type Check } from './check.ts';

export const noLostWrites: Check = {
  name: 'no-lost-writes',
  description: 'every acknowledged customer write reads back, unchanged, after the run',
  settings: z.object({}).strict(),
  evaluate({ events, figures }) {
    if (!events.some((e) => e.type === 'writes.checked')) return fail('the writes checker did not run');
    const w = figures.writes;
    return w.lost === 0 ? pass(`all ${w.acknowledged} acknowledged writes read back`) : fail(`${w.lost} of ${w.acknowledged} acknowledged writes lost`);
  },
};
