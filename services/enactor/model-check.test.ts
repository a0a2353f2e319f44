import { describe, expect, it } from 'vitest';
import { checkEnactors } from './model-check.ts';

const base = { enactors: 2, generations: 4, endpoints: 2, keepGenerations: 1, maxStates: 5_000_000 };

describe('model check of the shipping Enactor code', () => {
  it('finds the incident interleaving without safeguards: a stale apply, then cleanup deletes the active plan', async () => {
    const r = await checkEnactors({ ...base, safeguards: false });
    expect(r.violation?.message).toMatch(/the active plan of regional|record is EMPTY/);
    const trace = r.violation!.trace.join('\n');
    expect(trace).toMatch(/applies plan \d+ to regional \(was \d+\)/);
    expect(trace).toMatch(/deletes plan \d+/);
  });

  it('explores the whole space with safeguards on and finds no violation (2 Enactors × 4 and 5 generations, 3 × 4)', async () => {
    for (const o of [{ ...base }, { ...base, generations: 5 }, { ...base, enactors: 3 }]) {
      const r = await checkEnactors({ ...o, safeguards: true });
      expect(r.violation).toBeUndefined();
      expect(r.complete).toBe(true);
      expect(r.statesExplored).toBeGreaterThan(1000);
    }
  });

  it('stops at the state bound and says the search was not complete', async () => {
    const r = await checkEnactors({ ...base, enactors: 3, generations: 6, safeguards: true, maxStates: 5000 });
    expect(r.complete).toBe(false);
    expect(r.statesExplored).toBe(5000);
  });
});
