import { describe, expect, it } from 'vitest';
import { event } from '../history/testing.ts';
import { describeUnrest, leasesQuiet, leaseUnrest, MAX_RESEEDS, RESEED_AFTER_MS, shouldReseed } from './lab-settled.ts';

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

  it("an episode DWFM does not end within RESEED_AFTER_MS is the cold start's herd: the lab re-seeds, at most MAX_RESEEDS times, and the re-seed closes it", () => {
    const open = leaseUnrest([event(900, 'dwfm.leases.lapsing', { lapsed: 88 })]);
    expect(shouldReseed(open, 900 + RESEED_AFTER_MS - 1, undefined)).toBe(false);
    expect(shouldReseed(open, 900 + RESEED_AFTER_MS, undefined)).toBe(true);
    // Not again before the last re-seed's event is in the history and RESEED_AFTER_MS has passed.
    expect(shouldReseed(open, 4000, 3900)).toBe(false);
    expect(shouldReseed(open, 3900 + RESEED_AFTER_MS, 3900)).toBe(true);
    const reseeded = leaseUnrest([event(900, 'dwfm.leases.lapsing', { lapsed: 88 }), event(3950, 'dwfm.reseeded', { lapsed: 10_000, droplets: 10_000 })]);
    expect(reseeded).toMatchObject({ episodes: 1, allValidAt: 3950, reseeds: 1 });
    expect(shouldReseed(reseeded, 60_000, 3900)).toBe(false);
    expect(leasesQuiet(reseeded, 3950 + 2000, 2000)).toBe(true);
    expect(describeUnrest(reseeded, 5100)).toBe(
      "DWFM leases: 88 lapsed in 1 episode before any fault (the last at 0.9 s, all valid again at 4.0 s); the lab re-seeded the fleet once (an episode open 3.0 s: the cold start's herd, not a fault's); faults waited 5.1 s for them to stay valid",
    );
    // A lab that lapses again after every re-seed is not re-seeded forever.
    const events = [];
    for (let k = 0; k < MAX_RESEEDS; k++) events.push(event(1000 + 4000 * k, 'dwfm.leases.lapsing', { lapsed: 50 }), event(4000 + 4000 * k, 'dwfm.reseeded', { lapsed: 9000, droplets: 10_000 }));
    events.push(event(1000 + 4000 * MAX_RESEEDS, 'dwfm.leases.lapsing', { lapsed: 50 }));
    const again = leaseUnrest(events);
    expect(again).toMatchObject({ reseeds: MAX_RESEEDS, allValidAt: null });
    expect(shouldReseed(again, 60_000, 4000 * MAX_RESEEDS)).toBe(false);
    expect(leasesQuiet(again, 60_000, 2000)).toBe(false);
  });
});
