/** The NLB's routes: customer traffic proxied to a target in service, and the runbook's health-check admin API. */
import { Counter, type Registry } from 'prom-client';
import { request, type Agent } from 'undici';
import { z } from 'zod';
import { NlbSettingsSchema } from '../../core/model-config.ts';
import { nowMs, type EventPublisher } from '../common/events.ts';
import { parseBody, type Route } from '../common/http.ts';
import type { TargetHealth } from './target-health.ts';

const HealthChecksBody = z
  .object({
    /** false: failing health checks no longer take targets out of service, and removed targets go back in. */
    automaticFailover: z.boolean(),
    /** Velocity control from now on (null: off); absent: unchanged. */
    velocity: NlbSettingsSchema.shape.velocity.removeDefault().optional(),
    by: z.string().max(200).default('operator'),
  })
  .strict();

export function nlbRoutes(p: { health: TargetHealth; fleet: string; agent: Agent; events: EventPublisher; registry: Registry }): Route[] {
  const { health, fleet, agent } = p;
  const requests = new Counter({ name: 'nlb_requests_total', help: 'proxied requests by result', labelNames: ['result'], registers: [p.registry] });
  return [
    {
      method: 'POST',
      path: /^\/v1\/admin\/health-checks$/,
      handler: (c) => {
        const body = parseBody(HealthChecksBody, c.body);
        if (body.velocity !== undefined) health.cfg.velocity = body.velocity;
        const t = nowMs();
        const readded = health.setHealthChecks(body.automaticFailover, body.by, t);
        p.events.publish('nlb.health-checks', { automaticFailover: health.automaticFailover, velocity: health.cfg.velocity, readded, by: body.by }, t);
        return { status: 200, body: { automaticFailover: health.automaticFailover, velocity: health.cfg.velocity, readded, inService: health.inServiceCount } };
      },
    },
    {
      method: 'GET',
      path: /^\/(?!health$|metrics$).*$/,
      handler: async () => {
        const j = health.pick();
        if (j === undefined) {
          requests.inc({ result: 'no-target' });
          return { status: 503, body: { error: 'no healthy target' } };
        }
        try {
          const res = await request(`${fleet}/t/${j}/work`, { dispatcher: agent, headersTimeout: 2000, bodyTimeout: 2000 });
          const body = await res.body.json();
          requests.inc({ result: res.statusCode === 200 ? 'ok' : 'target-error' });
          return { status: res.statusCode === 200 ? 200 : 502, body };
        } catch (err) {
          requests.inc({ result: 'target-unreachable' });
          return { status: 502, body: { error: `target ${j} unreachable: ${(err as Error).message}` } };
        }
      },
    },
  ];
}
