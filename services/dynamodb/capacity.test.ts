import { describe, expect, it } from 'vitest';
import { DynamodbSettingsSchema } from '../../core/model-config.ts';
import { nowMs } from '../common/events.ts';
import { CapacityModel } from './capacity.ts';

const settings = (o: Record<string, unknown>) => DynamodbSettingsSchema.parse(o);

describe('DynamoDB capacity model', () => {
  it('serves exactly workers / serviceTime requests per second however many wait', async () => {
    const model = new CapacityModel<number>(settings({ workers: 4, serviceTimeMs: 10 }), nowMs);
    const started = nowMs();
    const outcomes = await Promise.all(Array.from({ length: 400 }, (_, i) => model.submit(async () => i, undefined)));
    const elapsed = nowMs() - started;
    expect(outcomes.every((o) => o.kind === 'served')).toBe(true);
    // 400 requests at 4 / 10 ms = 400 ops/s → 1 s.
    expect(elapsed).toBeGreaterThan(950);
    expect(elapsed).toBeLessThan(1150);
  });

  it('serves work whose client deadline passed (wasted) unless dropExpired is on', async () => {
    const wasteful = new CapacityModel<number>(settings({ workers: 1, serviceTimeMs: 20 }), nowMs);
    const deadline = nowMs() + 30;
    const served = await Promise.all([1, 2, 3].map((i) => wasteful.submit(async () => i, deadline)));
    expect(served.map((o) => o.kind)).toEqual(['served', 'served', 'served']);
    expect(wasteful.stats.servedAfterDeadline).toBe(2);

    const dropping = new CapacityModel<number>(settings({ workers: 1, serviceTimeMs: 20, dropExpired: true }), nowMs);
    const d2 = nowMs() + 30;
    const out = await Promise.all([1, 2, 3].map((i) => dropping.submit(async () => i, d2)));
    expect(out.map((o) => o.kind)).toEqual(['served', 'served', 'dropped']);
  });

  it("the lab's set-up drops what was queued up to an instant (DWFM's re-seed), keeps later work in order, and the worker serves that next", async () => {
    let now = 1000;
    const model = new CapacityModel<number>(settings({ workers: 1, serviceTimeMs: 1000, queueLimit: 10 }), () => now);
    const early = [1, 2, 3].map((i) => model.submit(async () => i, undefined, 1));
    now = 1500;
    const late = [4, 5].map((i) => model.submit(async () => i, undefined, 1));
    // 1 is on the worker; 2 and 3 were queued at 1000, 4 and 5 at 1500.
    expect(model.dropQueuedBefore(1200)).toBe(2);
    expect(model.queueLength).toBe(2);
    expect(model.room).toBe(10 - 2);
    expect((await Promise.all(early.slice(1))).map((o) => o.kind)).toEqual(['dropped', 'dropped']);
    expect(model.stats.dropped).toBe(2);
    now = 5000;
    const served = await Promise.all([early[0]!, ...late]);
    expect(served.map((o) => (o.kind === 'served' ? o.value : o.kind))).toEqual([1, 4, 5]);
  });

  it('rejects at once beyond the queue limit', async () => {
    const model = new CapacityModel<number>(settings({ workers: 1, serviceTimeMs: 50, queueLimit: 2 }), nowMs);
    const out = await Promise.all([1, 2, 3, 4, 5].map((i) => model.submit(async () => i, undefined)));
    // One goes straight to the worker, two wait, two are turned away.
    expect(out.filter((o) => o.kind === 'rejected')).toHaveLength(2);
    expect(model.stats.rejected).toBe(2);
  });

  it('serves newest first under LIFO', async () => {
    const model = new CapacityModel<number>(settings({ workers: 1, serviceTimeMs: 1, queue: 'lifo' }), nowMs);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => model.submit(async () => (order.push(i), i), undefined)));
    expect(order).toEqual([0, 3, 2, 1]);
  });
});
