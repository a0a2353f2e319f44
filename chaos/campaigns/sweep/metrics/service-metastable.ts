/**
 * A user's service (`sweep --service`) stayed down after DNS came back: it never met its SLO again
 * within its bound, the trigger gone (user-services/analysis.ts). A run where the record never
 * emptied, the service exited, or the run ended before its bound had passed is not counted (null).
 */
import type { Metric } from './metric.ts';

export const serviceMetastable: Metric = {
  name: 'service-metastable',
  kind: 'rate',
  description: "share of runs in which the user's service stayed down after DNS came back (its SLO never held again within its bound)",
  value: (s) => {
    const svc = s.services[0];
    if (!svc || svc.verdict === 'no-trigger' || svc.verdict === 'exited' || svc.verdict === 'cut-short') return null;
    return svc.metastable;
  },
};
