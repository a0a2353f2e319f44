/** A user's service's time to recover after DNS came back, in seconds (null: it did not, or no trigger). */
import type { Metric } from './metric.ts';

export const serviceTtr: Metric = {
  name: 'service-ttr',
  kind: 'number',
  description: "seconds from DNS restored until the user's service met its SLO again (median over the runs that recovered)",
  value: (s) => {
    const ttr = s.services[0]?.ttrMs;
    return ttr === undefined || ttr === null ? null : Math.round(ttr / 100) / 10;
  },
};
