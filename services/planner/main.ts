/**
 * DNS Planner: health-checks each DynamoDB frontend and, every planIntervalMs, writes a new plan
 * generation to the plan store: for every endpoint, the addresses (the frontends' fault points)
 * of healthy frontends with their weights. When no frontend answers it keeps the last healthy
 * set rather than publish an empty plan.
 */
import { Counter, Gauge } from 'prom-client';
import { request } from 'undici';
import { endpointNames, httpUrl } from '../../topology/topology.ts';
import { runService } from '../common/service.ts';
import { writePlan } from '../plan-store.ts';

await runService((ctx) => {
  const redis = ctx.redis('plans');
  const endpoints = endpointNames(ctx.topology, ctx.config.endpoints);
  const frontends = ctx.topology.dynamodb.frontends;
  const recordAddresses = ctx.topology.dynamodb.recordAddresses;
  let lastHealthy = [...recordAddresses];
  let generation = 0;
  const written = new Counter({ name: 'planner_plans_written_total', help: 'plans written', registers: [ctx.registry] });
  new Gauge({ name: 'planner_generation', help: 'newest plan generation written', registers: [ctx.registry], collect() { this.set(generation); } });
  const healthyGauge = new Gauge({ name: 'planner_healthy_frontends', help: 'frontends that passed the last health check', registers: [ctx.registry] });

  const healthy = async (): Promise<string[]> => {
    const checks = await Promise.all(
      frontends.map(async (f, i) => {
        try {
          const res = await request(`${httpUrl(f)}/health`, { headersTimeout: 200, bodyTimeout: 200 });
          await res.body.dump();
          return res.statusCode === 200 ? recordAddresses[i]! : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return checks.filter((a): a is string => a !== undefined);
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    const started = Date.now();
    try {
      const up = await healthy();
      healthyGauge.set(up.length);
      if (up.length > 0) lastHealthy = up;
      const plan = await writePlan(redis, (g) => ({
        generation: g,
        createdAt: Date.now(),
        endpoints: Object.fromEntries(endpoints.map((e) => [e, { a: lastHealthy, w: lastHealthy.map(() => 1) }])),
      }));
      generation = plan.generation;
      written.inc();
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'plan not written');
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, ctx.config.planIntervalMs - (Date.now() - started)));
  };
  ctx.onStop(() => {
    stopped = true;
    clearTimeout(timer);
  });
  return { routes: [], start: () => void tick() };
});
