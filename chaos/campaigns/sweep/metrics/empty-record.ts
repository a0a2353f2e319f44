/** The DNS race reproduced: Route 53 committed an empty regional record during the run. */
import type { Metric } from './metric.ts';

export const emptyRecord: Metric = {
  name: 'empty-record',
  kind: 'rate',
  description: 'share of runs whose regional record went empty (NOERROR, no addresses) within the observation window',
  value: (s) => s.dns.emptyRecordPublished,
};
