/** DWFM's /metrics: the lease table's state and counters, and what its DynamoDB client did. */
import { Gauge, type Registry } from 'prom-client';
import type { DynamoClient } from '../common/dynamodb-client.ts';
import type { LeaseTable } from './leases.ts';

export function registerDwfmMetrics(registry: Registry, table: LeaseTable, client: () => DynamoClient, droplets: number): void {
  const g = (name: string, help: string, value: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(value()); } });
  g('dwfm_leases_valid', 'droplets with a valid lease', () => table.validCount);
  g('dwfm_leases_lapsed', 'droplets whose lease lapsed and is not yet re-established', () => table.lapsedCount);
  g('dwfm_droplets', 'droplets managed (M)', () => droplets);
  g('dwfm_reestablish_attempts', 're-establish batches sent, including retries', () => table.counters.attempts);
  g('dwfm_reestablish_items_sent', 'lease writes sent for re-establishment', () => table.counters.itemsSent);
  g('dwfm_renewal_items_sent', 'lease writes sent as renewals', () => table.counters.renewalsSent);
  g('dwfm_reestablished', 'leases re-established', () => table.counters.reestablished);
  g('dwfm_timeouts', 're-establish attempts abandoned at the timeout', () => table.counters.timeouts);
  g('dwfm_fast_failures', 're-establish attempts that failed fast (DNS, refused, throttled)', () => table.counters.fastFailures);
  g('dwfm_requests_sent', 'DynamoDB requests sent, renewals included', () => client().sent);
  g('dwfm_late_answers', 'answers that arrived after DWFM stopped waiting', () => client().lateAnswers);
  g('dwfm_in_flight', 're-establish batches DWFM is waiting on', () => table.inFlightCount);
  g('dwfm_pending_jobs', 're-establish batches not yet done', () => table.pendingJobs);
  g('dwfm_concurrency_limit', 'adaptive concurrency limit (0: none)', () => table.aimd?.limit ?? 0);
  g('dwfm_sdk_attempts', "HTTP requests the AWS SDK made for DWFM's calls, its own retries included", () => client().attempts);
  new Gauge({
    name: 'dwfm_sdk_retry_quota',
    help: "the AWS SDK's retry quota left (standard and adaptive modes: 500 tokens, a retry costs 14, 5 after a throttling error; -1: no quota)",
    registers: [registry],
    async collect() {
      this.set((await client().retryQuota()) ?? -1);
    },
  });
}
