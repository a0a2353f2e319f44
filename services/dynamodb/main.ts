/**
 * DynamoDB stand-in: a KV API (get, put, conditional put, delete) over Redis, served on every
 * frontend address from the topology, behind the capacity model. Clients send their deadline in
 * `x-client-deadline` (epoch ms) so the server can count (or drop) work nobody waits for.
 */
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import { dynamodbCapacityPerSec } from '../../lab/model-config-file.ts';
import { nowMs } from '../common/events.ts';
import { HttpError, parseBody, type JsonResponse, type RouteContext } from '../common/http.ts';
import { runService } from '../common/service.ts';
import { CapacityModel } from './capacity.ts';
import { ItemStore } from './store.ts';

const NAME = /^[A-Za-z0-9_.:-]{1,200}$/;

const BatchBody = z
  .object({
    items: z
      .array(z.object({ key: z.string().regex(NAME, 'keys are 1–200 characters of letters, digits, _ . : -'), value: z.unknown() }).strict())
      .min(1)
      .max(100),
  })
  .strict();

const PutBody = z
  .object({
    value: z.unknown().refine((v) => v !== undefined, 'value is required'),
    condition: z.union([z.object({ absent: z.literal(true) }).strict(), z.object({ version: z.number().int().min(0) }).strict()]).optional(),
  })
  .strict();

function names(ctx: RouteContext): [string, string] {
  const [table, key] = ctx.params as [string, string];
  if (!NAME.test(table)) throw new HttpError(400, `table "${table}" must be 1–200 characters of letters, digits, _ . : -`);
  if (!NAME.test(key)) throw new HttpError(400, `key "${key}" must be 1–200 characters of letters, digits, _ . : -`);
  return [table, key];
}

function deadlineOf(ctx: RouteContext): number | undefined {
  const raw = ctx.req.headers['x-client-deadline'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new HttpError(400, `x-client-deadline must be epoch milliseconds (got "${raw}")`);
  return n;
}

await runService(async (ctx) => {
  const settings = ctx.config.dynamodb;
  const store = new ItemStore(ctx.redis('items'));
  // Capacity is per table, as DynamoDB's provisioned throughput is: DWFM's herd on its leases
  // table saturates that table, not every customer's.
  const models = new Map<string, CapacityModel<JsonResponse>>();
  const modelFor = (table: string) => {
    let m = models.get(table);
    if (!m) models.set(table, (m = new CapacityModel<JsonResponse>(settings, nowMs)));
    return m;
  };
  const sum = (f: (m: CapacityModel<JsonResponse>) => number) => [...models.values()].reduce((a, m) => a + f(m), 0);
  const labels = ['outcome', 'table'] as const;
  const requests = new Counter({ name: 'dynamodb_requests_total', help: 'requests by outcome', labelNames: labels, registers: [ctx.registry] });
  const wasted = new Counter({ name: 'dynamodb_served_after_deadline_total', help: 'requests served after their client had stopped waiting (wasted work)', registers: [ctx.registry] });
  const items = new Counter({ name: 'dynamodb_items_total', help: 'items (capacity units) by outcome: served, wasted (served after the client deadline), rejected, dropped', labelNames: labels, registers: [ctx.registry] });
  new Gauge({ name: 'dynamodb_queue_length', help: 'requests waiting for a worker, all tables', registers: [ctx.registry], collect() { this.set(sum((m) => m.queueLength)); } });
  new Gauge({ name: 'dynamodb_in_flight', help: 'requests being served, all tables', registers: [ctx.registry], collect() { this.set(sum((m) => m.inFlight)); } });
  new Gauge({ name: 'dynamodb_capacity_ops_per_second', help: 'configured capacity C of each table', registers: [ctx.registry], collect() { this.set(dynamodbCapacityPerSec(settings)); } });
  const waitMs = new Counter({ name: 'dynamodb_queue_wait_ms_total', help: 'total ms served requests spent queued', registers: [ctx.registry] });

  async function serve(ctx2: RouteContext, table: string, work: () => Promise<JsonResponse>, cost = 1): Promise<JsonResponse> {
    const outcome = await modelFor(table).submit(work, deadlineOf(ctx2), cost);
    switch (outcome.kind) {
      case 'served':
        requests.inc({ outcome: 'served', table });
        waitMs.inc(outcome.queuedMs);
        if (outcome.afterDeadline) wasted.inc();
        items.inc({ outcome: outcome.afterDeadline ? 'wasted' : 'served', table }, cost);
        return outcome.value;
      case 'rejected':
        items.inc({ outcome: 'rejected', table }, cost);
        requests.inc({ outcome: 'rejected', table });
        return { status: 503, body: { error: 'throttled: queue full', queueLength: outcome.queueLength }, headers: { 'retry-after': '1' } };
      case 'dropped':
        items.inc({ outcome: 'dropped', table }, cost);
        requests.inc({ outcome: 'dropped', table });
        return { status: 504, body: { error: 'dropped: client deadline passed while queued', queuedMs: outcome.queuedMs } };
      case 'failed':
        requests.inc({ outcome: 'failed', table });
        return { status: 500, body: { error: outcome.error.message } };
    }
  }

  const itemPath = /^\/v1\/items\/([^/]+)\/([^/]+)$/;
  return {
    extraListeners: ctx.topology.dynamodb.frontends.slice(1),
    routes: [
      {
        method: 'GET',
        path: itemPath,
        handler: (c) => {
          const [table, key] = names(c);
          return serve(c, table, async () => {
            const item = await store.get(table, key);
            return item ? { status: 200, body: item } : { status: 404, body: { error: `no item ${table}/${key}` } };
          });
        },
      },
      {
        method: 'PUT',
        path: itemPath,
        handler: (c) => {
          const [table, key] = names(c);
          const body = parseBody(PutBody, c.body);
          return serve(c, table, async () => {
            const r = await store.put(table, key, body.value, body.condition as never);
            return r.written
              ? { status: 200, body: { version: r.version } }
              : { status: 409, body: { error: 'condition failed', currentVersion: r.version } };
          });
        },
      },
      {
        method: 'POST',
        path: /^\/v1\/batch\/([^/]+)$/,
        handler: (c) => {
          const table = c.params[0]!;
          if (!NAME.test(table)) throw new HttpError(400, `table "${table}" must be 1–200 characters of letters, digits, _ . : -`);
          const body = parseBody(BatchBody, c.body);
          // One request, one capacity unit per item: a batch of 25 takes 25 × serviceTimeMs of a worker.
          return serve(
            c,
            table,
            async () => {
              await store.putMany(table, body.items);
              return { status: 200, body: { written: body.items.length } };
            },
            body.items.length,
          );
        },
      },
      {
        method: 'DELETE',
        path: itemPath,
        handler: (c) => {
          const [table, key] = names(c);
          return serve(c, table, async () => ({ status: 200, body: { deleted: await store.delete(table, key) } }));
        },
      },
    ],
  };
});
