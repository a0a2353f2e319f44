/**
 * DynamoDB stand-in: DynamoDB's own JSON 1.0 protocol (`POST /`, `X-Amz-Target:
 * DynamoDB_20120810.<Operation>`, SigV4-signed with the lab's access key), so the AWS SDK is its
 * client, over Redis, on every frontend address from the topology, behind the capacity model.
 *
 * Capacity is per table (DynamoDB's throughput is): each data request is one job for a worker,
 * costing one unit per item it reads or writes (a GetItem 1, a BatchWriteItem of 25 items 25);
 * a job holds a worker cost × serviceTimeMs. A request whose client stops waiting — it hangs up
 * (the SDK destroys the connection at its timeout), or the deadline it stated in
 * `x-client-deadline` passes (the lab's own loops stop waiting without hanging up) — stays queued
 * and is still served: wasted work, the fuel of the collapse, unless `dropExpired` is on; `queueLimit` (items) refuses what does not fit with
 * ProvisionedThroughputExceededException, or returns a batch's rest as UnprocessedItems.
 * `POST /_lab/sequence` (sequences.ts) loads or reads a fleet's items for the lab's set-up;
 * `POST /_lab/capacity` (capacity-route.ts) gives a user's table capacity of its own;
 * `POST /_lab/drop-queued` drops a table's requests queued before an instant (the run's end of a
 * collapse its cold start began, before any fault: DWFM's re-seed, which hung up on all of them).
 */
import { Counter, Gauge } from 'prom-client';
import { dynamodbCapacityPerSec } from '../../core/model-config-file.ts';
import { nowMs } from '../common/events.ts';
import { runService } from '../common/service.ts';
import type { Capacity } from './api.ts';
import { CapacityModel, type Deadline } from './capacity.ts';
import { DynamoError } from './errors.ts';
import { protocolHandler, sendJson } from './protocol.ts';
import { capacityRoute } from './capacity-route.ts';
import { throughputLimit, type ThroughputLimit } from './provisioned.ts';
import { sequenceRoute } from './sequences.ts';
import { Tables } from './tables.ts';

const REGION = 'us-east-1';

/** The tables the lab's clients use: the customers' and DWFM's leases. */
export const LAB_TABLES = [
  { name: 'customers', hashKey: 'pk', hashType: 'S' as const },
  { name: 'leases', hashKey: 'pk', hashType: 'S' as const },
];

await runService(async (ctx) => {
  const settings = ctx.config.dynamodb;
  const itemStore = ctx.redis('items');
  const tables = new Tables(itemStore);
  for (const t of LAB_TABLES) await tables.ensure(t);
  const models = new Map<string, CapacityModel<unknown>>();
  /** Tables a user's service file gave capacity of their own (`POST /_lab/capacity`). */
  const own = new Map<string, typeof settings>();
  const modelFor = (table: string) => {
    let m = models.get(table);
    if (!m) models.set(table, (m = new CapacityModel<unknown>(own.get(table) ?? settings, nowMs)));
    return m;
  };
  /** Tables with provisioned throughput or an on-demand maximum: their buckets, checked before the queue. */
  const limits = new Map<string, ThroughputLimit>();
  const sum = (f: (m: CapacityModel<unknown>) => number) => [...models.values()].reduce((a, m) => a + f(m), 0);
  const labels = ['outcome', 'table'] as const;
  const requests = new Counter({ name: 'dynamodb_requests_total', help: 'data requests by outcome: served, rejected (throughput), dropped (the client had gone), failed', labelNames: labels, registers: [ctx.registry] });
  const wasted = new Counter({ name: 'dynamodb_served_after_deadline_total', help: 'requests served after their client had stopped waiting: hung up, or past the deadline it stated (wasted work)', registers: [ctx.registry] });
  const items = new Counter({ name: 'dynamodb_items_total', help: 'items (capacity units) by outcome: served, wasted (served after the client stopped waiting), rejected, dropped', labelNames: labels, registers: [ctx.registry] });
  const calls = new Counter({ name: 'dynamodb_calls_total', help: 'API calls by operation and result (ok or the error code)', labelNames: ['operation', 'result'], registers: [ctx.registry] });
  const clientArrivals = new Counter({ name: 'dynamodb_client_requests_total', help: "signed requests by who signed them, counted on arrival (served, queued or abandoned): a user's service's calls per request is its retry amplification", labelNames: ['client'], registers: [ctx.registry] });
  const clientCalls = new Counter({ name: 'dynamodb_client_calls_total', help: "API calls answered, by who signed them (lab, or a user's service by name) and result (ok or the error code)", labelNames: ['client', 'result'], registers: [ctx.registry] });
  new Gauge({ name: 'dynamodb_queue_length', help: 'requests waiting for a worker, all tables', registers: [ctx.registry], collect() { this.set(sum((m) => m.queueLength)); } });
  new Gauge({ name: 'dynamodb_in_flight', help: 'requests being served, all tables', registers: [ctx.registry], collect() { this.set(sum((m) => m.inFlight)); } });
  new Gauge({ name: 'dynamodb_capacity_ops_per_second', help: 'configured capacity C of each table', registers: [ctx.registry], collect() { this.set(dynamodbCapacityPerSec(settings)); } });
  const throttled = new Counter({ name: 'dynamodb_throttled_total', help: "requests refused by a table's throughput limit: mode provisioned (an empty bucket, ProvisionedThroughputExceededException) or on-demand (above its maximum, ThrottlingException)", labelNames: ['table', 'kind', 'mode'], registers: [ctx.registry] });
  const waitMs = new Counter({ name: 'dynamodb_queue_wait_ms_total', help: 'total ms served requests spent queued', registers: [ctx.registry] });

  /** The capacity model for one request, which knows when its client hung up. */
  const capacityFor = (deadline: Deadline, client: string): Capacity => ({
    room: (table) => modelFor(table).room,
    async serve(table, kind, cost, work) {
      const limit = client === 'lab' ? undefined : limits.get(table);
      const bucket = limit?.[kind];
      if (limit && bucket && !bucket.take(cost, nowMs())) {
        throttled.inc({ table, kind, mode: limit.mode });
        throw limit.refusal(kind, table, REGION);
      }
      const outcome = await modelFor(table).submit(work, deadline, cost);
      switch (outcome.kind) {
        case 'served':
          requests.inc({ outcome: 'served', table });
          waitMs.inc(outcome.queuedMs);
          if (outcome.afterDeadline) wasted.inc();
          items.inc({ outcome: outcome.afterDeadline ? 'wasted' : 'served', table }, cost);
          return outcome.value as never;
        case 'rejected':
          items.inc({ outcome: 'rejected', table }, cost);
          requests.inc({ outcome: 'rejected', table });
          throw DynamoError.throughput();
        case 'dropped':
          items.inc({ outcome: 'dropped', table }, cost);
          requests.inc({ outcome: 'dropped', table });
          throw DynamoError.internal('dropped: the client had hung up while the request was queued');
        case 'failed':
          requests.inc({ outcome: 'failed', table });
          // A condition that failed is the work's answer, not the server's failure.
          if (outcome.error instanceof DynamoError) throw outcome.error;
          throw DynamoError.internal(outcome.error.message);
      }
    },
  });

  // The control plane (tables) is rate-limited as DynamoDB's is: ThrottlingException beyond it.
  const controlBucket = { tokens: 100, at: nowMs() };
  const takeControlToken = () => {
    const t = nowMs();
    controlBucket.tokens = Math.min(100, controlBucket.tokens + ((t - controlBucket.at) / 1000) * 100);
    controlBucket.at = t;
    if (controlBucket.tokens < 1) return false;
    controlBucket.tokens--;
    return true;
  };

  const handle = protocolHandler({
    tables,
    region: REGION,
    accessKeyId: settings.accessKeyId,
    serviceConnectionMaxAgeMs: settings.serviceConnectionMaxAgeMs,
    capacityFor,
    takeControlToken,
    onCall: (operation, result, client) => {
      calls.inc({ operation, result });
      clientCalls.inc({ client, result });
    },
    onArrival: (client) => clientArrivals.inc({ client }),
    onUnexpected: (err, op) => ctx.log.error({ err, op }, 'request failed'),
  });

  return {
    extraListeners: ctx.topology.dynamodb.frontends.slice(1),
    routes: [
      sequenceRoute(itemStore, tables),
      {
        method: 'POST',
        path: /^\/_lab\/drop-queued$/,
        handler: (c) => {
          const { table, queuedBefore } = (c.body ?? {}) as { table?: unknown; queuedBefore?: unknown };
          if (typeof table !== 'string' || !table) return { status: 400, body: { error: 'table: give the name of the table whose queued requests to drop, e.g. {"table":"leases","queuedBefore":1796671000000}' } };
          if (typeof queuedBefore !== 'number') return { status: 400, body: { error: 'queuedBefore: give the epoch ms up to which queued requests are dropped' } };
          return { status: 200, body: { table, dropped: modelFor(table).dropQueuedBefore(queuedBefore) } };
        },
      },
      capacityRoute(settings, (table, s, limit) => {
        own.set(table, s);
        models.delete(table);
        if (limit) limits.set(table, throughputLimit(limit, nowMs()));
        else limits.delete(table);
      }),
    ],
    // Every request but /health and /metrics is DynamoDB's protocol.
    raw: (req, res) => {
      if (req.method === 'GET' && req.url === '/') {
        sendJson(res, 200, { healthy: 'dynamodb.us-east-1.aws.test (outage-lab stand-in)' });
        return true;
      }
      if (req.method !== 'POST') return false;
      // The lab's own set-up (a fleet's items already in place) is a route of its own, outside the protocol and the capacity model.
      if (req.url?.startsWith('/_lab/')) return false;
      void handle(req, res, nowMs).catch((err: Error) => sendJson(res, 500, DynamoError.internal(err.message).body()));
      return true;
    },
  };
});
