/**
 * What a sweep measures in each run, read from the run's summary (itself from its history). A
 * metric is binary (a rate over the runs, with a 95 % Wilson interval), numeric (the median), or a
 * class (the runs' classes counted, the most frequent shown). One file per metric, registered by
 * name in index.ts.
 */
import type { RunSummary } from '../../../run/journal.ts';

export type MetricValue = boolean | number | string | null;

export interface Metric {
  readonly name: string;
  readonly kind: 'rate' | 'number' | 'class';
  readonly description: string;
  /** For class metrics: every class, in order (the map's legend). */
  readonly classes?: readonly string[];
  value(s: RunSummary): MetricValue;
}
