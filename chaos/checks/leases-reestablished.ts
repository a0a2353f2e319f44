/** Every DWFM lease that lapsed was re-established before the run ended. */
import { z } from 'zod';
import { fail, pass, skipped, type Check } from './check.ts';

export const leasesReestablished: Check = {
  name: 'leases-reestablished',
  description: 'every lapsed DWFM lease was re-established before the run ended',
  settings: z.object({}).strict(),
  evaluate({ figures }) {
    const l = figures.leases;
    if (l.needed === 0) return skipped('no lease lapsed');
    return l.reestablishMs !== null
      ? pass(`${l.needed} leases re-established in ${l.reestablishMs} ms (${(l.reestablishMs / figures.capacityBoundMs).toFixed(2)} × the capacity bound)`)
      : fail(`${figures.herd.series.at(-1)?.lapsed ?? '?'} leases still lapsed when the run ended`);
  },
};
