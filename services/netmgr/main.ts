/**
 * Network Manager: a network-state propagation queue processed at a fixed rate. Every launched
 * instance and every droplet whose lease is re-established needs its network state (re)programmed;
 * until its change is processed, instances on it have no connectivity. Exports the backlog and
 * the age of its oldest item; tells the fleet which targets still wait (services/network-state.ts).
 */
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import { nowMs } from '../common/events.ts';
import { parseBody } from '../common/http.ts';
import { runService } from '../common/service.ts';
import { addPending } from '../network-state.ts';
import { ChangeRing } from './ring.ts';

const BACKLOG_EVENT_THRESHOLD = 100;

const ChangesBody = z
  .object({
    items: z
      .array(z.object({ kind: z.enum(['launch', 'reprogram']), droplet: z.number().int().min(0), target: z.number().int().min(0).optional() }).strict())
      .min(1)
      .max(10_000),
  })
  .strict();

await runService((ctx) => {
  const redis = ctx.redis('pending');
  const rate = ctx.config.netmgr.ratePerSec;
  const ring = new ChangeRing();
  const size = () => ring.size;

  const enqueued = new Counter({ name: 'netmgr_enqueued_total', help: 'changes queued', labelNames: ['kind'], registers: [ctx.registry] });
  const processed = new Counter({ name: 'netmgr_processed_total', help: 'changes propagated', registers: [ctx.registry] });
  new Gauge({ name: 'netmgr_backlog', help: 'changes waiting to propagate', registers: [ctx.registry], collect() { this.set(size()); } });
  new Gauge({
    name: 'netmgr_oldest_age_seconds',
    help: 'age of the oldest waiting change',
    registers: [ctx.registry],
    collect() {
      const oldest = ring.oldest;
      this.set(oldest === undefined ? 0 : (nowMs() - oldest) / 1000);
    },
  });
  new Gauge({ name: 'netmgr_rate_per_second', help: 'configured processing rate', registers: [ctx.registry], collect() { this.set(rate); } });

  let building = false;
  let credit = 0;
  let last = nowMs();
  const timer = setInterval(() => {
    const t = nowMs();
    credit = Math.min(credit + ((t - last) / 1000) * rate, rate); // at most one second of catch-up
    last = t;
    const decrements = new Map<number, number>();
    let n = 0;
    while (credit >= 1 && size() > 0) {
      const target = ring.shift();
      credit--;
      n++;
      if (target >= 0) decrements.set(target, (decrements.get(target) ?? 0) + 1);
    }
    // An idle manager banks nothing: a change arriving at an empty queue still takes 1 / rate.
    if (size() === 0) credit = 0;
    if (n) processed.inc(n);
    void addPending(redis, new Map([...decrements].map(([target, d]) => [target, -d])));
    if (!building && size() >= BACKLOG_EVENT_THRESHOLD) {
      building = true;
      ctx.events.publish('netmgr.backlog.building', { backlog: size() });
    } else if (building && size() === 0) {
      building = false;
      ctx.events.publish('netmgr.backlog.drained', {});
    }
  }, 20);
  ctx.onStop(() => clearInterval(timer));

  return {
    routes: [
      {
        method: 'POST',
        path: /^\/v1\/changes$/,
        handler: async (c) => {
          const body = parseBody(ChangesBody, c.body);
          const t = nowMs();
          const incr = new Map<number, number>();
          for (const item of body.items) {
            const target = item.target ?? -1;
            ring.push(t, target);
            enqueued.inc({ kind: item.kind });
            if (target >= 0) incr.set(target, (incr.get(target) ?? 0) + 1);
          }
          await addPending(redis, incr);
          return { status: 202, body: { queued: body.items.length, backlog: size() } };
        },
      },
      { method: 'GET', path: /^\/v1\/backlog$/, handler: () => ({ status: 200, body: { backlog: size(), oldestAgeMs: ring.oldest === undefined ? 0 : nowMs() - ring.oldest } }) },
    ],
  };
});
