/**
 * Network Load Balancer: a real HTTP proxy for customer traffic over the fleet's targets, with
 * periodic health checks that take failing targets out of service and put passing ones back.
 * Options: velocity control (at most a share of the targets may be removed per window: AWS's fix
 * after the incident) and fail-open (when every target fails, send traffic to all of them).
 * Targets start "initial", as a real NLB's do: they take traffic once they pass the healthy
 * threshold, and failing checks before that are not removals. An admin API changes the health
 * checks while it runs (the runbook): velocity control on or off, and automatic health-check
 * failover off — the incident's 09:36 step, which put every removed target back in service.
 * This file only wires: the targets' state (target-health.ts), the checker loop, the routes.
 */
import { Counter, Gauge } from 'prom-client';
import { Agent, request } from 'undici';
import { component, httpUrl } from '../../topology/topology.ts';
import { nowMs } from '../common/events.ts';
import { runService } from '../common/service.ts';
import { nlbRoutes } from './routes.ts';
import { TargetHealth } from './target-health.ts';

await runService((ctx) => {
  const fleet = httpUrl(component(ctx.topology, 'fleet'));
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, connectTimeout: 500 });
  ctx.onStop(() => agent.close());
  const health = new TargetHealth({ ...ctx.config.nlb }, (type, fields, t) => ctx.events.publish(type, fields, t));
  const cfg = health.cfg;
  const counter = (name: string, help: string, value: () => number) =>
    new Gauge({ name, help, registers: [ctx.registry], collect() { this.set(value()); } });
  // Counters kept by the targets' state, exposed as Prometheus counters' values.
  for (const [name, help, key] of [
    ['nlb_targets_removed_total', 'targets taken out of service', 'removed'],
    ['nlb_targets_readded_total', 'targets put back in service', 'readded'],
    ['nlb_removals_deferred_total', 'removals held back by velocity control', 'deferred'],
  ] as const) {
    new Counter({ name, help, registers: [ctx.registry], collect() { this.reset(); this.inc(health.counters[key]); } });
  }
  counter('nlb_targets_in_service', 'targets receiving traffic', () => health.inServiceCount);
  counter('nlb_targets_total', 'registered targets', () => cfg.targets);

  const check = async (j: number): Promise<boolean> => {
    try {
      const res = await request(`${fleet}/t/${j}/health`, { dispatcher: agent, headersTimeout: cfg.healthTimeoutMs, bodyTimeout: cfg.healthTimeoutMs });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: cfg.targets }, (_, j) => check(j)));
      health.round(results, nowMs());
      await new Promise((r) => setTimeout(r, Math.max(0, cfg.healthIntervalMs - (Date.now() - started))));
    }
  };
  ctx.onStop(() => {
    stopped = true;
  });
  return { routes: nlbRoutes({ health, fleet, agent, events: ctx.events, registry: ctx.registry }), start: () => void loop() };
});
