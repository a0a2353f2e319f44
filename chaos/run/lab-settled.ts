/**
 * The lab's own steady state before any fault: DWFM's droplet leases. A lease lapses when a
 * renewal is late by more than leaseTtlMs − renewPeriodMs (1 s in every scenario here), so a
 * machine busy for a second — users' services starting (a JVM compiling, connection pools
 * filling), a cold cache — lapses a few dozen leases, which naive DWFM re-establishes within a
 * second or two. That is not the outage: faults wait until no lapse episode is open and none
 * began or ended for `quietMs`, and the steady-state window then requires none at all.
 *
 * A cold start can also lapse enough leases, on a machine slow enough, that naive DWFM never wins
 * them back: its herd is the outage's own mechanism, started by the lab's start-up instead of by a
 * fault (seen with the lab held to 1.5 cores: 88 leases lapsed 0.9 s in, all 10,000 lapsed a minute
 * later). An episode still open `RESEED_AFTER_MS` after it began is therefore ended by the lab, not by
 * DWFM: the run re-seeds the fleet (every lease valid, as at DWFM's first start; `dwfm.reseeded` in
 * the history), at most `MAX_RESEEDS` times, and the wait for quiet starts again. No fault has been
 * injected yet, so nothing the run measures is DWFM's recovery from it; the report says it happened.
 */
import type { HistoryEvent } from '../../core/events.ts';

export interface LeaseUnrest {
  /** Lapse episodes (dwfm.leases.lapsing) in the history so far. */
  readonly episodes: number;
  /** Leases they lapsed, in all. */
  readonly lapsed: number;
  /** When the last one began, and when every lease was valid again (null: still open). */
  readonly lastLapseAt: number;
  readonly allValidAt: number | null;
  /** Times the lab re-seeded the fleet (dwfm.reseeded) to end an episode DWFM did not. */
  readonly reseeds: number;
}

/** An episode open this long after it began is the cold start's herd, not a blip: the lab re-seeds. */
export const RESEED_AFTER_MS = 3000;
/**
 * Re-seeds per run, one at most every RESEED_AFTER_MS: a lab that needs more cannot hold its
 * steady state on this machine. Three were too few for a played game's cold start on 1.7 cores
 * (chromium, two pages and the monitoring starting beside the lab: four episodes in 34 s, the last
 * then open until the settle wait ended).
 */
export const MAX_RESEEDS = 10;

/** DWFM's lapse episodes in a history up to now; undefined when none ever began. */
export function leaseUnrest(events: readonly HistoryEvent[]): LeaseUnrest | undefined {
  let episodes = 0;
  let lapsed = 0;
  let lastLapseAt = -1;
  let allValidAt: number | null = null;
  let reseeds = 0;
  for (const e of events) {
    if (e.type === 'dwfm.leases.lapsing') {
      episodes++;
      lapsed += e.lapsed;
      lastLapseAt = e.t;
      allValidAt = null;
    } else if (e.type === 'dwfm.leases.all-valid' && episodes > 0 && e.t >= lastLapseAt) allValidAt = e.t;
    else if (e.type === 'dwfm.reseeded') {
      reseeds++;
      if (episodes > 0 && e.t >= lastLapseAt) allValidAt = e.t;
    }
  }
  return episodes ? { episodes, lapsed, lastLapseAt, allValidAt, reseeds } : undefined;
}

/** Whether the lab should re-seed the fleet at `nowT` (see above); `lastReseedT`: its last one, if any. */
export function shouldReseed(unrest: LeaseUnrest | undefined, nowT: number, lastReseedT: number | undefined): boolean {
  if (!unrest || unrest.allValidAt !== null || unrest.reseeds >= MAX_RESEEDS) return false;
  const since = Math.max(unrest.lastLapseAt, lastReseedT ?? -Infinity);
  return nowT - since >= RESEED_AFTER_MS;
}

/** Whether the leases have been quiet for `quietMs` at `nowT` (no episode open, none since). */
export function leasesQuiet(unrest: LeaseUnrest | undefined, nowT: number, quietMs: number): boolean {
  return !unrest || (unrest.allValidAt !== null && nowT - unrest.allValidAt >= quietMs);
}

/** One line for the steady-state detail: what the lab's leases did before the faults. */
export function describeUnrest(unrest: LeaseUnrest | undefined, waitedMs: number): string {
  if (!unrest) return 'DWFM leases all valid throughout';
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const waited = waitedMs > 0 ? `; faults waited ${s(waitedMs)} for them to stay valid` : '';
  const reseeded = unrest.reseeds ? `; the lab re-seeded the fleet ${unrest.reseeds === 1 ? 'once' : `${unrest.reseeds} times`} (an episode open ${s(RESEED_AFTER_MS)}: the cold start's herd, not a fault's)` : '';
  return `DWFM leases: ${unrest.lapsed} lapsed in ${unrest.episodes} episode${unrest.episodes === 1 ? '' : 's'} before any fault (the last at ${s(unrest.lastLapseAt)}${unrest.allValidAt === null ? ', still open' : `, all valid again at ${s(unrest.allValidAt)}`})${reseeded}${waited}`;
}
