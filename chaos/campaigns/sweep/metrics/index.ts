/** The sweep metrics, registered by name; each scenario has a default. */
import { InputError } from '../../../../core/errors.ts';
import { emptyRecord } from './empty-record.ts';
import { herdClass } from './herd-class.ts';
import { metastable } from './metastable.ts';
import type { Metric } from './metric.ts';
import { reestablishRatio } from './reestablish-ratio.ts';
import { serviceMetastable } from './service-metastable.ts';
import { serviceTtr } from './service-ttr.ts';

export type { Metric, MetricValue } from './metric.ts';

export const METRICS: readonly Metric[] = [emptyRecord, metastable, herdClass, reestablishRatio, serviceMetastable, serviceTtr];

/** The metric a scenario is swept for unless --metric says otherwise. */
export const DEFAULT_METRIC: Record<string, string> = {
  'dns-race': 'empty-record',
  'race-map': 'empty-record',
  herd: 'metastable',
  'herd-map': 'herd-class',
};

export function metricByName(name: string): Metric {
  const m = METRICS.find((x) => x.name === name);
  if (!m) throw new InputError(`--metric ${name}: not a metric; metrics are ${METRICS.map((x) => x.name).join(', ')}`);
  return m;
}
