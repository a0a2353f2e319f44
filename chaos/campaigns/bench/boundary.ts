/**
 * Where a retry configuration stops recovering: from a row of loads, each run a few times, the
 * highest load at which a service still recovered by itself and the lowest at which it stayed
 * down. The boundary lies between the two; with the loads a grid, that bracket is its interval
 * (each load's own rate carries its Wilson interval beside it). A load counts as recovering when
 * most of its runs did (ties count as staying down: the cautious reading).
 */
import { wilson, type Rate } from '../sweep/stats.ts';

export interface LoadPoint {
  /** The table's load ρ measured in the runs' steady phase (mean over the runs). */
  readonly rho: number;
  /** Runs that stayed down after DNS came back, of those that counted. */
  readonly metastable: number;
  readonly runs: number;
}

export interface Boundary {
  /** The bracket's middle; null when no load recovered, or every load did (then it is above `low`). */
  readonly value: number | null;
  /** The highest ρ that recovered with every lower one recovering too (null: not even the lowest). */
  readonly low: number | null;
  /** The lowest ρ that stayed down (null: none did — the boundary is above every load measured). */
  readonly high: number | null;
  /** A load that recovered above one that stayed down: the row is not monotone (real timing, few runs). */
  readonly monotone: boolean;
}

const recovers = (p: LoadPoint) => p.runs > 0 && p.metastable * 2 < p.runs;

export function boundaryOf(points: readonly LoadPoint[]): Boundary {
  const measured = points.filter((p) => p.runs > 0).sort((a, b) => a.rho - b.rho);
  const firstDown = measured.findIndex((p) => !recovers(p));
  const low = firstDown === 0 ? null : (measured[(firstDown < 0 ? measured.length : firstDown) - 1]?.rho ?? null);
  const high = firstDown < 0 ? null : measured[firstDown]!.rho;
  const monotone = firstDown < 0 || measured.slice(firstDown).every((p) => !recovers(p));
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { value: low !== null && high !== null ? r2((low + high) / 2) : null, low, high, monotone };
}

/** A load's stayed-down rate with its Wilson interval. */
export const metastableRate = (p: LoadPoint): Rate | null => wilson(p.metastable, p.runs);

/** How a boundary reads in a table: "0.41–0.62", "> 0.83", "< 0.21". */
export function describeBoundary(b: Boundary, lowest: number | null): string {
  const f = (x: number) => x.toFixed(2);
  if (b.low !== null && b.high !== null) return `${f(b.low)}–${f(b.high)}${b.monotone ? '' : ' (not monotone)'}`;
  if (b.low !== null) return `> ${f(b.low)}`;
  return lowest === null ? '—' : `< ${f(lowest)}`;
}
