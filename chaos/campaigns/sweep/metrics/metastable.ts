/** The herd collapsed metastably: goodput under 10 % of C for longer than 5 × M / C once the trigger was gone. */
import type { Metric } from './metric.ts';

export const metastable: Metric = {
  name: 'metastable',
  kind: 'rate',
  description: 'share of runs whose herd was metastable (goodput < 10 % of C for > 5 × M / C after the trigger was gone)',
  value: (s) => s.metastable,
};
