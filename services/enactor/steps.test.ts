import { describe, expect, it } from 'vitest';
import { MemoryControlPlane, type MemoryState } from '../memory-control-plane.ts';
import { START, step, type EnactorConfig, type EnactorEvent, type EnactorState } from './steps.ts';

const endpoints = ['regional', 'other'];
const cfg = (id: string, safeguards: boolean): EnactorConfig => ({ id, endpoints, keepGenerations: 1, safeguards });
/** A control plane in a given state (leases: enactor → generation, all live). */
const plane = (s: { plans: number[]; records: MemoryState['records']; leases: Record<string, number> }) =>
  new MemoryControlPlane({ plans: s.plans, records: s.records, leases: Object.fromEntries(Object.entries(s.leases).map(([k, g]) => [k, [g, 1]])), automationDisabled: false, seq: Math.max(0, ...s.plans) });

async function round(c: EnactorConfig, cp: MemoryControlPlane, maxSteps = 20): Promise<EnactorEvent[]> {
  let state: EnactorState = START;
  const events: EnactorEvent[] = [];
  for (let i = 0; i < maxSteps; i++) {
    const r = await step(c, state, cp);
    events.push(...r.events);
    state = r.next;
    if (state.phase === 'pick') break;
  }
  return events;
}

describe('Enactor steps', () => {
  it('applies the newest plan to every endpoint, then deletes plans more than K generations older', async () => {
    const cp = plane({ plans: [1, 2, 3, 4], records: { regional: 1, other: 1 }, leases: {} });
    const events = await round(cfg('e1', false), cp);
    expect(cp.s.records).toEqual({ regional: 4, other: 4 });
    expect(cp.s.plans).toEqual([3, 4]);
    expect(events.map((e) => e.type)).toEqual(['enactor.round.start', 'enactor.applied', 'enactor.cleanup.deleted', 'enactor.cleanup.deleted', 'enactor.round.done']);
  });

  it('skips a plan that is not newer than the active one (the one-time check)', async () => {
    const cp = plane({ plans: [3], records: { regional: 3, other: 3 }, leases: {} });
    expect((await round(cfg('e1', false), cp)).map((e) => e.type)).toEqual(['enactor.skip.not-newer']);
  });

  it('refuses to apply while the active plan no longer exists (the inconsistent state)', async () => {
    const cp = plane({ plans: [5, 6], records: { regional: 2, other: 6 }, leases: {} });
    const events = await round(cfg('e1', false), cp);
    expect(events).toEqual([expect.objectContaining({ type: 'enactor.apply.failed', plan: 6, active: 2 })]);
    expect(cp.s.records.regional).toBe(2);
  });

  it('with safeguards, fencing rejects a stale apply and guarded cleanup keeps an active or leased plan', async () => {
    const cp = plane({ plans: [1, 2, 3, 4], records: { regional: 4, other: 4 }, leases: {} });
    const stale = await step(cfg('e1', true), { phase: 'apply', plan: 2, index: 0 }, cp);
    expect(stale.events).toEqual([expect.objectContaining({ type: 'enactor.apply.rejected-stale', plan: 2 })]);
    expect(cp.s.records.regional).toBe(4);

    const guarded = plane({ plans: [1, 2, 3, 4], records: { regional: 4, other: 1 }, leases: { e2: 2 } });
    await step(cfg('e1', true), { phase: 'clean', plan: 4, victims: [1, 2] }, guarded);
    await step(cfg('e1', true), { phase: 'clean', plan: 4, victims: [2] }, guarded);
    expect(guarded.s.plans).toEqual([1, 2, 3, 4]);
    expect(guarded.effects).toEqual([]);
  });

  it('without safeguards, cleanup deletes the active plan and the model records what it did', async () => {
    const cp = plane({ plans: [1, 2, 3, 4], records: { regional: 2, other: 4 }, leases: {} });
    await step(cfg('e1', false), { phase: 'clean', plan: 4, victims: [2] }, cp);
    expect(cp.effects).toEqual([{ kind: 'deleted', generation: 2, namedBy: ['regional'] }]);
  });
});
