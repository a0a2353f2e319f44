/** Time to re-establish every lapsed lease as a ratio to the capacity bound M / C (null: not within the run). */
import type { Metric } from './metric.ts';

export const reestablishRatio: Metric = {
  name: 'reestablish-ratio',
  kind: 'number',
  description: 'time to re-establish every lapsed lease / the capacity bound M / C (median over the runs)',
  value: (s) => (s.leases.reestablishMs === null ? null : Math.round((s.leases.reestablishMs / s.capacityBoundMs) * 100) / 100),
};
