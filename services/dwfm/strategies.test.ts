import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.ts';
import { AimdLimit, backoffMs, TokenBucket, type StrategyName } from './strategies.ts';

const s = { baseMs: 100, capMs: 5000, fastFailRetryMs: 500 };

describe('retry strategies', () => {
  it('naive retries at once after a timeout and after a fixed pause after a fast failure', () => {
    const r = seededRandom(1);
    expect(backoffMs('naive', 3, 0, 'timeout', s, r)).toBe(0);
    expect(backoffMs('naive', 3, 0, 'fast', s, r)).toBe(500);
  });

  it('exponential doubles up to the cap; the jittered ones stay within their ranges', () => {
    const r = seededRandom(7);
    expect([1, 2, 3, 10].map((a) => backoffMs('exponential', a, 0, 'timeout', s, r))).toEqual([200, 400, 800, 5000]);
    for (let i = 0; i < 1000; i++) {
      const full = backoffMs('full-jitter', 3, 0, 'timeout', s, r);
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThanOrEqual(800);
      const equal = backoffMs('equal-jitter', 3, 0, 'timeout', s, r);
      expect(equal).toBeGreaterThanOrEqual(400);
      expect(equal).toBeLessThanOrEqual(800);
      const decor = backoffMs('decorrelated-jitter', 3, 300, 'timeout', s, r);
      expect(decor).toBeGreaterThanOrEqual(100);
      expect(decor).toBeLessThanOrEqual(900);
    }
  });

  it('spreads full-jitter retries: their mean is half the exponential delay', () => {
    const r = seededRandom(3);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += backoffMs('full-jitter', 4, 0, 'timeout', s, r);
    expect(sum / n).toBeGreaterThan(760);
    expect(sum / n).toBeLessThan(840);
  });

  it('is reproducible from the seed', () => {
    const run = (seed: number) => {
      const r = seededRandom(seed);
      return (['full-jitter', 'equal-jitter', 'decorrelated-jitter'] as StrategyName[]).map((st) => backoffMs(st, 2, 200, 'timeout', s, r));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});

describe('token bucket and AIMD limit', () => {
  it('refills tokens at its rate up to its burst', () => {
    let now = 0;
    const b = new TokenBucket(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    expect(b.waitMs()).toBeCloseTo(100);
    now += 300;
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
  });

  it('adds one per window of successes and halves on a timeout', () => {
    const l = new AimdLimit(4, 1, 100);
    for (let i = 0; i < 4; i++) l.onSuccess();
    expect(l.limit).toBe(5);
    l.onTimeout();
    expect(l.limit).toBe(2);
  });
});
