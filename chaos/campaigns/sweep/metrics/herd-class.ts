/**
 * The herd's outcome as a class, from the history: stable (nothing to recover, or every lease back
 * within 2 × M / C of the trigger's end), recovered-slowly (back by itself, but later), metastable
 * (goodput under 10 % of C for longer than 5 × M / C after the trigger was gone).
 */
import type { Metric } from './metric.ts';

export const HERD_CLASSES = ['stable', 'recovered-slowly', 'metastable'] as const;

export const herdClass: Metric = {
  name: 'herd-class',
  kind: 'class',
  classes: HERD_CLASSES,
  description: 'stable (back within 2 × M / C), recovered-slowly (back by itself, later), metastable (collapsed > 5 × M / C)',
  value: (s) => {
    if (s.metastable) return 'metastable';
    if (s.leases.needed === 0) return 'stable';
    if (s.leases.reestablishMs === null) return 'recovered-slowly'; // not back yet, but not collapsed either
    return s.leases.reestablishMs <= 2 * s.capacityBoundMs ? 'stable' : 'recovered-slowly';
  },
};
