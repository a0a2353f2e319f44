/**
 * Network Manager: a network-state propagation queue processed at a fixed rate. Every launched
 * instance and every droplet whose lease is re-established needs its network state (re)programmed;
 * until its change is processed, instances on it have no connectivity. Exports the backlog and
 * the age of its oldest item; tells the fleet which targets still wait (Redis hash net:pending).
 */
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import { nowMs } from '../common/events.ts';
import { parseBody } from '../common/http.ts';
import { runService } from '../common/service.ts';

export const PENDING_KEY = 'net:pending';
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
  // Parallel arrays as a FIFO ring: enqueue time and target (-1: no NLB target on that droplet).
  let times = new Float64Array(1024);
  let targets = new Int32Array(1024);
  let head = 0;
  let tail = 0;
  const size = () => tail - head;
  const push = (t: number, target: number) => {
    if (tail === times.length) {
      const n = size();
      const grow = n * 2 > times.length ? times.length * 2 : times.length;
      const nt = new Float64Array(grow);
      const ng = new Int32Array(grow);
      nt.set(times.subarray(head, tail));
      ng.set(targets.subarray(head, tail));
      times = nt;
      targets = ng;
      head = 0;
      tail = n;
    }
    times[tail] = t;
    targets[tail++] = target;
  };

  const enqueued = new Counter({ name: 'netmgr_enqueued_total', help: 'changes queued', labelNames: ['kind'], registers: [ctx.registry] });
  const processed = new Counter({ name: 'netmgr_processed_total', help: 'changes propagated', registers: [ctx.registry] });
  new Gauge({ name: 'netmgr_backlog', help: 'changes waiting to propagate', registers: [ctx.registry], collect() { this.set(size()); } });
  new Gauge({
    name: 'netmgr_oldest_age_seconds',
    help: 'age of the oldest waiting change',
    registers: [ctx.registry],
    collect() {
      this.set(size() ? (nowMs() - times[head]!) / 1000 : 0);
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
      const target = targets[head]!;
      head++;
      credit--;
      n++;
      if (target >= 0) decrements.set(target, (decrements.get(target) ?? 0) + 1);
    }
    // An idle manager banks nothing: a change arriving at an empty queue still takes 1 / rate.
    if (size() === 0) credit = 0;
    if (n) processed.inc(n);
    if (decrements.size) {
      const m = redis.multi();
      for (const [target, d] of decrements) m.hincrby(PENDING_KEY, String(target), -d);
      void m.exec();
    }
    if (!building && size() >= BACKLOG_EVENT_THRESHOLD) {
      building = true;
      ctx.events.publish('netmgr.backlog.building', { backlog: size() });
    } else if (building && size() === 0) {
      building = false;
      ctx.events.publish('netmgr.backlog.drained', {});
    }
    if (head > 65_536 && head * 2 > tail) {
      times.copyWithin(0, head, tail);
      targets.copyWithin(0, head, tail);
      tail -= head;
      head = 0;
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
            push(t, target);
            enqueued.inc({ kind: item.kind });
            if (target >= 0) incr.set(target, (incr.get(target) ?? 0) + 1);
          }
          if (incr.size) {
            const m = redis.multi();
            for (const [target, d] of incr) m.hincrby(PENDING_KEY, String(target), d);
            await m.exec();
          }
          return { status: 202, body: { queued: body.items.length, backlog: size() } };
        },
      },
      { method: 'GET', path: /^\/v1\/backlog$/, handler: () => ({ status: 200, body: { backlog: size(), oldestAgeMs: size() ? nowMs() - times[head]! : 0 } }) },
    ],
  };
});
