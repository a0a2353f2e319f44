/** The herd did not collapse metastably once the trigger was gone. */
import { z } from 'zod';
import { fail, pass, type Check } from './check.ts';

export const notMetastable: Check = {
  name: 'not-metastable',
  description: 'after the trigger was gone, goodput never stayed under 10 % of C for longer than 5 × M / C',
  settings: z.object({}).strict(),
  evaluate({ figures }) {
    const limit = 5 * figures.capacityBoundMs;
    return figures.metastable
      ? fail(`metastable: goodput under 10 % of capacity for ${figures.herd.collapseMs} ms after the trigger was gone (> 5 × M / C = ${limit} ms)`)
      : pass(`longest collapse ${figures.herd.collapseMs} ms (metastable above ${limit} ms)`);
  },
};
