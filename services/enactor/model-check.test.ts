import { describe, expect, it } from 'vitest';
import { MemoryControlPlane, type MemoryState } from '../memory-control-plane.ts';
import type { ApplyResult } from './steps.ts';
import { checkEnactors, type CheckOptions } from './model-check.ts';

// The lab's own size: 3 endpoints, K = 3; 5 generations are the fewest in which cleanup can reach a plan an Enactor still applies.
const LAB: Omit<CheckOptions, 'safeguards'> = { enactors: 2, generations: 5, endpoints: 3, keepGenerations: 3, maxStates: 50_000_000 };
const holds = (r: Awaited<ReturnType<typeof checkEnactors>>) => Object.fromEntries(r.properties.map((p) => [p.name, p.holds]));

describe('model check of the shipping Enactor code (2 Enactors × 5 generations × 3 endpoints, K = 3)', { timeout: 120_000 }, () => {
  it('without safeguards finds both orders of the race, each with a readable shortest trace', async () => {
    const r = await checkEnactors({ ...LAB, safeguards: false });
    expect(r.exhausted).toBe(true);
    expect(holds(r)).toEqual({ 'regional-never-empty': false, 'no-older-plan-applied': false, 'active-plan-never-deleted': false, 'repaired-record-kept': true });
    const orders = r.properties.find((p) => p.name === 'regional-never-empty')!.orders!;
    // AWS's summary: the stale apply lands, then cleanup deletes the plan it made active.
    expect(orders['apply-then-cleanup']!.at(-1)).toMatch(/enactor\d \[clean\]: deletes plan 1 — the active plan of regional/);
    expect(orders['apply-then-cleanup']!.join('\n')).toMatch(/enactor\d \[apply\]: applies plan 1 to regional \(was 5\)\n/);
    // The incident report: cleanup deletes the plan first, then the stale apply points the record at it.
    expect(orders['cleanup-then-apply']!.at(-1)).toMatch(/enactor\d \[apply\]: applies plan 1 to regional \(was 5\) — that plan was already deleted/);
    expect(orders['cleanup-then-apply']!.join('\n')).toMatch(/\[clean\]: deletes plan 1\b/);
  });

  it('searches 3 Enactors within a bound and says it was not exhausted', async () => {
    const r = await checkEnactors({ ...LAB, enactors: 3, safeguards: true, maxStates: 100_000 });
    expect(r.exhausted).toBe(false);
    expect(r.states).toBe(100_000);
    expect(Object.values(holds(r)).every(Boolean)).toBe(true);
  });

  it('repaired-record-kept can fail: a Route 53 that checks "automation disabled" apart from the apply lets an Enactor overwrite the repair', async () => {
    // The shape of the bug the service had before the check moved into the apply transaction.
    class Racy extends MemoryControlPlane {
      override async apply(endpoint: string, generation: number, opts: { fence: boolean; enactor: string }): Promise<ApplyResult> {
        const disabled = this.s.automationDisabled;
        this.s.automationDisabled = false;
        try {
          return await super.apply(endpoint, generation, opts);
        } finally {
          this.s.automationDisabled = disabled;
        }
      }
    }
    const r = await checkEnactors({ ...LAB, generations: 2, safeguards: true, controlPlane: (s: MemoryState) => new Racy(s, () => 0, 1) });
    const p = r.properties.find((x) => x.name === 'repaired-record-kept')!;
    expect(p.holds).toBe(false);
    expect(p.trace!.join('\n')).toMatch(/operator: restores every record by hand[\s\S]*applies plan \d to /);
  });
});
