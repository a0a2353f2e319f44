/**
 * Route 53's API: record reads (an Enactor's one-time check reported when it passes), applies and
 * plan deletions (transactions in records.ts), the operator's repair, DNS automation on or off.
 * Every change that leaves a record with no addresses, or gives one back, is an event.
 */
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Topology } from '../../topology/topology.ts';
import { nowMs, type EventPublisher } from '../common/events.ts';
import { HttpError, parseBody, type Route } from '../common/http.ts';
import { KEYS, oneTimeCheck } from '../plan-store.ts';
import type { RecordChange, RecordSets } from './records.ts';

const ApplyBody = z.object({ generation: z.number().int().min(1), fence: z.boolean(), enactor: z.string().min(1) }).strict();
const DeleteBody = z.object({ guard: z.boolean(), enactor: z.string().min(1) }).strict();
const RestoreBody = z
  .object({
    addresses: z.array(z.ipv4()).min(1).optional(),
    disableAutomation: z.boolean().default(true),
    by: z.string().default('operator'),
  })
  .strict();
const AutomationBody = z.object({ enabled: z.boolean(), by: z.string().max(200).default('operator') }).strict();

export interface Route53Parts {
  readonly records: RecordSets;
  readonly redis: Redis;
  readonly topology: Topology;
  readonly events: EventPublisher;
  readonly registry: Registry;
  /** The zone must be rendered again. */
  changed(): void;
}

export function route53Routes(p: Route53Parts): Route[] {
  const { records, redis, events } = p;
  const endpoints = records.endpoints;
  const regional = endpoints[0]!;
  const changes = new Counter({ name: 'route53_changes_total', help: 'record-set transactions by kind and result', labelNames: ['kind', 'result'], registers: [p.registry] });

  /** Marks the zone dirty and reports records that became empty or got their addresses back. */
  const committed = (list: readonly RecordChange[], cause: Record<string, unknown>, ts: number) => {
    if (list.length) p.changed();
    for (const c of list) {
      const wasEmpty = c.before.addresses.length === 0;
      const isEmpty = c.after.addresses.length === 0;
      if (wasEmpty === isEmpty) continue;
      events.publish(
        isEmpty ? 'route53.record.empty' : 'route53.record.restored',
        { endpoint: c.endpoint, regional: c.endpoint === regional, generation: c.after.generation, manual: c.after.manual, ...cause },
        ts,
      );
    }
  };

  /** While DNS automation is disabled (the runbook's step), Route 53 refuses Enactor changes (checked inside each transaction). */
  const refuseDisabled = (enactor: string): never => {
    changes.inc({ kind: 'automation', result: 'refused' });
    throw new HttpError(409, `DNS automation is disabled by the operator; change from ${enactor} refused`);
  };

  const endpointParam = (raw: string) => {
    if (!records.has(raw)) throw new HttpError(404, `no record set named ${raw}; this lab has ${endpoints.length} endpoints, e.g. ${regional}`);
    return raw;
  };

  return [
      {
        method: 'GET',
        path: /^\/v1\/records$/,
        handler: () => ({ status: 200, body: records.all() }),
      },
      {
        method: 'GET',
        path: /^\/v1\/records\/([^/]+)$/,
        handler: (c) => {
          const view = records.view(endpointParam(c.params[0]!));
          // An Enactor's one-time check says who reads and for which plan: a check that passes is
          // reported (the Enactor will apply that plan once this answer reaches it), so a nemesis
          // can see a stale apply coming while the answer is still on its way.
          const q = new URL(c.req.url ?? '/', 'http://x').searchParams;
          const enactor = q.get('enactor');
          const plan = Number(q.get('plan'));
          if (enactor && Number.isInteger(plan) && plan > 0 && oneTimeCheck(plan, view) === 'passes') {
            events.publish('route53.check.passed', { endpoint: view.endpoint, enactor, plan, active: view.generation }, c.receivedAt);
          }
          return { status: 200, body: view };
        },
      },
      {
        method: 'POST',
        path: /^\/v1\/records\/([^/]+)\/apply$/,
        handler: async (c) => {
          const endpoint = endpointParam(c.params[0]!);
          const body = parseBody(ApplyBody, c.body);
          const r = await records.apply(endpoint, body.generation, body.fence);
          if (r.result === 'disabled') refuseDisabled(body.enactor);
          const ts = nowMs();
          changes.inc({ kind: 'apply', result: r.result });
          if (r.result === 'stale') {
            events.publish('route53.apply.rejected-stale', { endpoint, generation: body.generation, active: r.active, enactor: body.enactor }, ts);
          } else {
            committed(r.change ? [r.change] : [], { cause: 'apply', enactor: body.enactor, previous: r.active }, ts);
          }
          return { status: 200, body: { result: r.result, active: r.active } };
        },
      },
      {
        method: 'POST',
        path: /^\/v1\/plans\/(\d+)\/delete$/,
        handler: async (c) => {
          const generation = Number(c.params[0]);
          const body = parseBody(DeleteBody, c.body);
          const r = await records.deletePlan(generation, body.guard);
          if (r.result === 'disabled') refuseDisabled(body.enactor);
          const ts = nowMs();
          changes.inc({ kind: 'delete-plan', result: r.result });
          if (r.result === 'deleted') {
            events.publish('route53.plan.deleted', { generation, enactor: body.enactor, activeOn: r.changes.length }, ts);
            committed(r.changes, { cause: 'plan-deleted', deletedPlan: generation, enactor: body.enactor }, ts);
          } else if (r.result !== 'gone') {
            events.publish('route53.plan.delete-refused', { generation, enactor: body.enactor, reason: r.result }, ts);
          }
          return { status: 200, body: { result: r.result } };
        },
      },
      {
        method: 'POST',
        path: /^\/v1\/operator\/restore-dns$/,
        handler: async (c) => {
          const body = parseBody(RestoreBody, c.body ?? {});
          const addresses = body.addresses ?? p.topology.dynamodb.recordAddresses;
          const list = await records.restore(addresses, body.disableAutomation);
          const ts = nowMs();
          changes.inc({ kind: 'restore', result: 'applied' });
          events.publish('route53.operator.restore-dns', { addresses: [...addresses], automationDisabled: body.disableAutomation, by: body.by }, ts);
          committed(list, { cause: 'operator-restore', by: body.by }, ts);
          return { status: 200, body: { restored: list.length, addresses, automationDisabled: body.disableAutomation } };
        },
      },
      {
        method: 'GET',
        path: /^\/v1\/automation$/,
        handler: async () => ({ status: 200, body: { enabled: (await redis.get(KEYS.automationDisabled)) !== '1' } }),
      },
      {
        method: 'POST',
        path: /^\/v1\/automation$/,
        handler: async (c) => {
          const body = parseBody(AutomationBody, c.body);
          if (body.enabled) await redis.del(KEYS.automationDisabled);
          else await redis.set(KEYS.automationDisabled, '1');
          events.publish('route53.automation', { enabled: body.enabled, by: body.by });
          return { status: 200, body: { automationEnabled: body.enabled } };
        },
      },
  ];
}
