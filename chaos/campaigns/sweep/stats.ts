/** Small statistics for sweeps: the Wilson score interval of a rate, and medians. */

export interface Rate {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

/** The 95 % Wilson score interval of k successes in n trials (sound for small n and for 0 or n). */
export function wilson(k: number, n: number, z = 1.959964): Rate | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { value: r(p), low: r(Math.max(0, centre - half)), high: r(Math.min(1, centre + half)) };
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
