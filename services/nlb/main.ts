/**
 * Network Load Balancer: a real HTTP proxy for customer traffic over the fleet's targets, with
 * periodic health checks that take failing targets out of service and put passing ones back.
 * Options: velocity control (at most a share of the targets may be removed per window: AWS's fix
 * after the incident) and fail-open (when every target fails, send traffic to all of them).
 * Targets start "initial", as a real NLB's do: they take traffic once they pass the healthy
 * threshold, and failing checks before that are not removals. An admin API changes the health
 * checks while it runs (the runbook): velocity control on or off, and automatic health-check
 * failover off — the incident's 09:36 step, which put every removed target back in service.
 */
import { Counter, Gauge } from 'prom-client';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { NlbSettingsSchema } from '../../core/model-config.ts';
import { component, httpUrl } from '../../topology/topology.ts';
import { nowMs } from '../common/events.ts';
import { parseBody } from '../common/http.ts';
import { runService } from '../common/service.ts';

const HealthChecksBody = z
  .object({
    /** false: failing health checks no longer take targets out of service, and removed targets go back in. */
    automaticFailover: z.boolean(),
    /** Velocity control from now on (null: off); absent: unchanged. */
    velocity: NlbSettingsSchema.shape.velocity.removeDefault().optional(),
    by: z.string().max(200).default('operator'),
  })
  .strict();

await runService((ctx) => {
  const cfg = { ...ctx.config.nlb };
  let automaticFailover = true;
  const fleet = httpUrl(component(ctx.topology, 'fleet'));
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, connectTimeout: 500 });
  ctx.onStop(() => agent.close());
  const n = cfg.targets;
  const inService = new Uint8Array(n);
  const initial = new Uint8Array(n).fill(1);
  const fails = new Uint16Array(n);
  const passes = new Uint16Array(n);
  let removals: number[] = []; // times of recent removals, for velocity control
  let failOpen = false;
  let next = 0;

  const removed = new Counter({ name: 'nlb_targets_removed_total', help: 'targets taken out of service', registers: [ctx.registry] });
  const readded = new Counter({ name: 'nlb_targets_readded_total', help: 'targets put back in service', registers: [ctx.registry] });
  const deferred = new Counter({ name: 'nlb_removals_deferred_total', help: 'removals held back by velocity control', registers: [ctx.registry] });
  const requests = new Counter({ name: 'nlb_requests_total', help: 'proxied requests by result', labelNames: ['result'], registers: [ctx.registry] });
  new Gauge({ name: 'nlb_targets_in_service', help: 'targets receiving traffic', registers: [ctx.registry], collect() { this.set(inService.reduce((a, b) => a + b, 0)); } });
  new Gauge({ name: 'nlb_targets_total', help: 'registered targets', registers: [ctx.registry], collect() { this.set(n); } });

  const check = async (j: number): Promise<boolean> => {
    try {
      const res = await request(`${fleet}/t/${j}/health`, { dispatcher: agent, headersTimeout: cfg.healthTimeoutMs, bodyTimeout: cfg.healthTimeoutMs });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  };

  const round = async () => {
    const results = await Promise.all(Array.from({ length: n }, (_, j) => check(j)));
    const t = nowMs();
    if (cfg.velocity) removals = removals.filter((r) => r > t - cfg.velocity!.windowMs);
    for (let j = 0; j < n; j++) {
      if (results[j]) {
        fails[j] = 0;
        passes[j] = Math.min(passes[j]! + 1, 1000);
        if (!inService[j] && passes[j]! >= cfg.healthyThreshold) {
          inService[j] = 1;
          if (initial[j]) initial[j] = 0;
          else {
            readded.inc();
            ctx.events.publish('nlb.target.readded', { target: j, inService: inService.reduce((a, b) => a + b, 0) }, t);
          }
        }
      } else {
        passes[j] = 0;
        fails[j] = Math.min(fails[j]! + 1, 1000);
        if (inService[j] && automaticFailover && fails[j]! >= cfg.unhealthyThreshold) {
          if (cfg.velocity && removals.length >= Math.max(1, Math.floor(cfg.velocity.maxRemovedFraction * n))) {
            deferred.inc();
            continue;
          }
          inService[j] = 0;
          removals.push(t);
          removed.inc();
          ctx.events.publish('nlb.target.removed', { target: j, inService: inService.reduce((a, b) => a + b, 0) }, t);
        }
      }
    }
    const any = inService.some((v) => v === 1);
    if (cfg.failOpen && !initial.every((v) => v === 1) && !any !== failOpen) {
      failOpen = !any;
      ctx.events.publish(failOpen ? 'nlb.fail-open.on' : 'nlb.fail-open.off', {}, t);
    }
  };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const started = Date.now();
      await round();
      await new Promise((r) => setTimeout(r, Math.max(0, cfg.healthIntervalMs - (Date.now() - started))));
    }
  };
  ctx.onStop(() => {
    stopped = true;
  });

  const pick = (): number | undefined => {
    for (let k = 0; k < n; k++) {
      const j = (next + k) % n;
      if (inService[j] || failOpen) {
        next = j + 1;
        return j;
      }
    }
    return undefined;
  };

  return {
    routes: [
      {
        method: 'POST',
        path: /^\/v1\/admin\/health-checks$/,
        handler: (c) => {
          const body = parseBody(HealthChecksBody, c.body);
          if (body.velocity !== undefined) cfg.velocity = body.velocity;
          const t = nowMs();
          let readded = 0;
          if (automaticFailover && !body.automaticFailover) {
            // Every registered target back in service, whatever its checks say.
            for (let j = 0; j < n; j++) {
              if (inService[j] || initial[j]) continue;
              inService[j] = 1;
              readded++;
              ctx.events.publish('nlb.target.readded', { target: j, inService: inService.reduce((a, b) => a + b, 0), by: body.by }, t);
            }
          }
          automaticFailover = body.automaticFailover;
          ctx.events.publish('nlb.health-checks', { automaticFailover, velocity: cfg.velocity, readded, by: body.by }, t);
          return { status: 200, body: { automaticFailover, velocity: cfg.velocity, readded, inService: inService.reduce((a, b) => a + b, 0) } };
        },
      },
      {
        method: 'GET',
        path: /^\/(?!health$|metrics$).*$/,
        handler: async () => {
          const j = pick();
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
    ],
    start: () => void loop(),
  };
});
