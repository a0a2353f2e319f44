import { describe, expect, it } from 'vitest';
import { event } from '../history/testing.ts';
import { describeUnrest, leasesQuiet, leaseUnrest } from './lab-settled.ts';

describe("the lab's own steady state before faults (DWFM's leases)", () => {
  it('a history with no lapse is quiet at once', () => {
    const u = leaseUnrest([event(1000, 'canary', { outcome: 'ok' })]);
    expect(u).toBeUndefined();
    expect(leasesQuiet(u, 1000, 2000)).toBe(true);
    expect(describeUnrest(u, 0)).toBe('DWFM leases all valid throughout');
  });

  it('an open episode is never quiet; a closed one is quiet only `quietMs` after it closed', () => {
    const open = leaseUnrest([event(15_160, 'dwfm.leases.lapsing', { lapsed: 32 })]);
    expect(open).toMatchObject({ episodes: 1, lapsed: 32, allValidAt: null });
    expect(leasesQuiet(open, 60_000, 2000)).toBe(false);
    const closed = leaseUnrest([event(15_160, 'dwfm.leases.lapsing', { lapsed: 32 }), event(15_540, 'dwfm.leases.all-valid', { needed: 32 })]);
    expect(leasesQuiet(closed, 17_000, 2000)).toBe(false);
    expect(leasesQuiet(closed, 17_540, 2000)).toBe(true);
  });

  it('a later episode reopens it (the run seen in CI: three small episodes while services warmed up)', () => {
    const u = leaseUnrest([
      event(15_160, 'dwfm.leases.lapsing', { lapsed: 32 }),
      event(15_540, 'dwfm.leases.all-valid', { needed: 32 }),
      event(16_540, 'dwfm.leases.lapsing', { lapsed: 8 }),
      event(17_120, 'dwfm.leases.all-valid', { needed: 47 }),
      event(18_860, 'dwfm.leases.lapsing', { lapsed: 25 }),
    ]);
    expect(u).toMatchObject({ episodes: 3, lapsed: 65, lastLapseAt: 18_860, allValidAt: null });
    expect(leasesQuiet(u, 19_000, 2000)).toBe(false);
    expect(describeUnrest(u, 0)).toBe('DWFM leases: 65 lapsed in 3 episodes before any fault (the last at 18.9 s, still open)');
    const done = leaseUnrest([event(18_860, 'dwfm.leases.lapsing', { lapsed: 25 }), event(19_230, 'dwfm.leases.all-valid', { needed: 25 })]);
    expect(describeUnrest(done, 4200)).toBe('DWFM leases: 25 lapsed in 1 episode before any fault (the last at 18.9 s, all valid again at 19.2 s); faults waited 4.2 s for them to stay valid');
  });
});
