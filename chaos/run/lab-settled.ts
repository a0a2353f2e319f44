/**
 * The lab's own steady state before any fault: DWFM's droplet leases. A lease lapses when a
 * renewal is late by more than leaseTtlMs − renewPeriodMs (1 s in every scenario here), so a
 * machine busy for a second — users' services starting (a JVM compiling, connection pools
 * filling), a cold cache — lapses a few dozen leases, which naive DWFM re-establishes within a
 * second or two. That is not the outage: faults wait until no lapse episode is open and none
 * began or ended for `quietMs`, and the steady-state window then requires none at all.
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
}

/** DWFM's lapse episodes in a history up to now; undefined when none ever began. */
export function leaseUnrest(events: readonly HistoryEvent[]): LeaseUnrest | undefined {
  let episodes = 0;
  let lapsed = 0;
  let lastLapseAt = -1;
  let allValidAt: number | null = null;
  for (const e of events) {
    if (e.type === 'dwfm.leases.lapsing') {
      episodes++;
      lapsed += e.lapsed;
      lastLapseAt = e.t;
      allValidAt = null;
    } else if (e.type === 'dwfm.leases.all-valid' && episodes > 0 && e.t >= lastLapseAt) allValidAt = e.t;
  }
  return episodes ? { episodes, lapsed, lastLapseAt, allValidAt } : undefined;
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
  return `DWFM leases: ${unrest.lapsed} lapsed in ${unrest.episodes} episode${unrest.episodes === 1 ? '' : 's'} before any fault (the last at ${s(unrest.lastLapseAt)}${unrest.allValidAt === null ? ', still open' : `, all valid again at ${s(unrest.allValidAt)}`})${waited}`;
}
