import { describe, expect, it } from 'vitest';
import type { HistoryEventOf } from '../core/events.ts';
import { event } from '../chaos/history/testing.ts';
import { predictService } from './prediction.ts';

const started = (over: Record<string, unknown> = {}) =>
  event(1000, 'service.started', {
    service: 'orders',
    tables: [{ name: 'orders', capacityPerSec: 555 }, { name: 'counts', capacityPerSec: 4000 }],
    callerAttempts: 2,
    retryPolicy: { mode: 'standard', maxAttempts: 3, quota: { tokens: 500, transientCost: 14 }, source: 'test' },
    ...over,
  }) as HistoryEventOf<'service.started'>;
/** Scrapes each second: `orders` serves `perSec` units a second, `counts` 10. */
const metrics = (perSec: number) =>
  Array.from({ length: 12 }, (_, s) => event(s * 1000, 'metrics', { services: { dynamodb: { 'dynamodb_items_total{outcome="served",table="orders"}': s * perSec, 'dynamodb_items_total{outcome="served",table="counts"}': s * 10 } } }) as HistoryEventOf<'metrics'>);
const steady = { fromMs: 2000, toMs: 10_000 };

describe('the service map’s prediction: ρ × callers’ attempts × calls per attempt', () => {
  it('standard mode, callers 2 attempts, ρ 0.41: its quota spent, 0.83 — recovers (the retry-storm file)', () => {
    const p = predictService(started(), metrics(230), steady)!;
    expect(p).toMatchObject({ table: 'orders', rho: 0.41, callerAttempts: 2, callsPerAttempt: 1, offered: 0.83, verdict: 'recovers' });
    expect(p.detail).toBe('ρ 0.41 × 2 caller attempts × 1 call per attempt (standard: its quota of 500 spent at 14 a retry) = 0.83 ≤ 1: recovers');
  });

  it('the same at ρ 0.69 stays down; the loop (6 calls an attempt) stays down at ρ 0.26', () => {
    expect(predictService(started(), metrics(383), steady)).toMatchObject({ rho: 0.69, offered: 1.38, verdict: 'stays-down' });
    const loop = predictService(started({ retryPolicy: { mode: 'hand-written loop', maxAttempts: 6, quota: null, source: 'test' } }), metrics(144), steady)!;
    expect(loop).toMatchObject({ rho: 0.26, callsPerAttempt: 6, verdict: 'stays-down' });
    expect(loop.detail).toContain('hand-written loop: 6 attempts, no quota');
  });

  it('a throughput limit under the capacity admits less than it once the burst is spent: recovers at any load; a limit above it changes nothing', () => {
    const limited = predictService(started({ tables: [{ name: 'orders', capacityPerSec: 555, limitPerSec: 500 }] }), metrics(383), steady)!;
    expect(limited).toMatchObject({ rho: 0.69, offered: 1.38, admitted: 0.9, verdict: 'recovers' });
    expect(limited.detail).toContain('= 1.38; its throughput limit admits 0.90 of its capacity once the saved burst is spent: recovers after the burst');
    expect(predictService(started({ tables: [{ name: 'orders', capacityPerSec: 555, limitPerSec: 600 }] }), metrics(383), steady)).toMatchObject({ admitted: null, verdict: 'stays-down' });
  });

  it('no prediction for an SDK the lab has not read, a history from before the fields, or no steady phase', () => {
    expect(predictService(started({ retryPolicy: null }), metrics(230), steady)).toBeNull();
    expect(predictService(started({ tables: undefined }), metrics(230), steady)).toBeNull();
    expect(predictService(started(), metrics(230), { fromMs: 5000, toMs: 5500 })).toBeNull();
  });
});
