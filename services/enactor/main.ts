/**
 * DNS Enactor: runs the protocol in steps.ts forever against the plan store (Redis) and Route 53,
 * reached through this Enactor's own Toxiproxy link. Identical code for every Enactor; nothing in
 * it knows which one is delayed.
 */
import { Counter, Gauge } from 'prom-client';
import { Agent, request } from 'undici';
import { endpointNames, httpUrl, linkFrom } from '../../topology/topology.ts';
import { runService } from '../common/service.ts';
import { listPlans, newestPlan, setLease } from '../plan-store.ts';
import { START, step, type ControlPlane, type EnactorConfig, type EnactorState } from './steps.ts';

await runService((ctx) => {
  const redis = ctx.redis('plans');
  const link = linkFrom(ctx.topology, ctx.name, 'route53');
  if (!link) throw new Error(`topology has no link from ${ctx.name} to route53`);
  const route53 = httpUrl(link.listen);
  // One keep-alive connection, like a control-plane client; requests wait for each other.
  const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
  ctx.onStop(() => agent.close());

  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await request(`${route53}${path}`, {
      method,
      dispatcher: agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    const json = (await res.body.json()) as T & { error?: string };
    if (res.statusCode >= 400) throw new Error(`route53 ${method} ${path}: HTTP ${res.statusCode} ${json.error ?? ''}`);
    return json;
  };

  const cp: ControlPlane = {
    newestPlan: () => newestPlan(redis),
    lease: (enactor, generation) => setLease(redis, enactor, generation, ctx.config.leaseTtlMs),
    activePlan: (endpoint, check) => call('GET', `/v1/records/${encodeURIComponent(endpoint)}${check ? `?enactor=${encodeURIComponent(check.enactor)}&plan=${check.plan}` : ''}`),
    apply: async (endpoint, generation, opts) =>
      (await call<{ result: 'applied' | 'stale' }>('POST', `/v1/records/${encodeURIComponent(endpoint)}/apply`, { generation, ...opts })).result,
    listPlans: () => listPlans(redis),
    deletePlan: async (generation, opts) => (await call<{ result: 'deleted' | 'active' | 'leased' | 'gone' }>('POST', `/v1/plans/${generation}/delete`, opts)).result,
  };
  const cfg: EnactorConfig = {
    id: ctx.name,
    endpoints: endpointNames(ctx.topology, ctx.config.endpoints),
    keepGenerations: ctx.config.cleanupKeepGenerations,
    safeguards: ctx.config.safeguards === 'on',
  };

  const steps = new Counter({ name: 'enactor_steps_total', help: 'protocol steps by phase', labelNames: ['phase'], registers: [ctx.registry] });
  const eventsTotal = new Counter({ name: 'enactor_events_total', help: 'protocol events by type', labelNames: ['type'], registers: [ctx.registry] });
  const errors = new Counter({ name: 'enactor_errors_total', help: 'steps that failed (network or server errors)', registers: [ctx.registry] });
  let applied = 0;
  new Gauge({ name: 'enactor_last_applied_generation', help: 'generation of the last plan fully applied', registers: [ctx.registry], collect() { this.set(applied); } });

  let stopped = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const loop = async () => {
    let state: EnactorState = START;
    while (!stopped) {
      try {
        const r = await step(cfg, state, cp);
        steps.inc({ phase: state.phase });
        for (const e of r.events) {
          eventsTotal.inc({ type: e.type });
          if (e.type === 'enactor.applied') applied = e.plan;
          // Skips are the steady state (several Enactors race for each plan): counted, not logged.
          if (e.type !== 'enactor.skip.not-newer') {
            const { type, ...fields } = e;
            ctx.events.publish(type, fields);
          }
        }
        state = r.next;
        if (r.idle) await sleep(ctx.config.enactorPollMs);
      } catch (err) {
        errors.inc();
        ctx.log.warn({ err: (err as Error).message, phase: state.phase }, 'step failed; starting a new round');
        state = START;
        await sleep(Math.max(100, ctx.config.enactorPollMs));
      }
    }
  };
  ctx.onStop(() => {
    stopped = true;
  });
  return { routes: [], start: () => void loop() };
});
