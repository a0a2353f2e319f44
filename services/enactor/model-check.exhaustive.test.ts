import { describe, expect, it } from 'vitest';
import { checkEnactors, type CheckOptions } from './model-check.ts';

// The exhaustive search (~650,000 states, ~25 s) in a file of its own, so the fast tier runs it beside the others.

// The lab's own size: 3 endpoints, K = 3; 5 generations are the fewest in which cleanup can reach a plan an Enactor still applies.
const LAB: Omit<CheckOptions, 'safeguards'> = { enactors: 2, generations: 5, endpoints: 3, keepGenerations: 3, maxStates: 50_000_000 };
const holds = (r: Awaited<ReturnType<typeof checkEnactors>>) => Object.fromEntries(r.properties.map((p) => [p.name, p.holds]));

describe('model check of the shipping Enactor code, exhaustive with safeguards (2 Enactors × 5 generations × 3 endpoints, K = 3)', { timeout: 120_000 }, () => {
  it('with safeguards explores the whole space and every property holds', async () => {
    const r = await checkEnactors({ ...LAB, safeguards: true });
    expect(r.exhausted).toBe(true);
    expect(r.states).toBeGreaterThan(100_000);
    expect(r.depth).toBeGreaterThan(20);
    expect(Object.values(holds(r)).every(Boolean)).toBe(true);
  });

});
