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

/** Student's t at 97.5 % for 1..30 degrees of freedom (two-sided 95 %); 1.96 beyond. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** The mean of a few measurements with its 95 % t interval (null with none; the interval needs two). */
export function meanInterval(xs: readonly number[]): { mean: number; low: number | null; high: number | null; n: number; min: number; max: number } | null {
  const n = xs.length;
  if (!n) return null;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  const [min, max] = [Math.min(...xs), Math.max(...xs)];
  if (n < 2) return { mean: r(mean), low: null, high: null, n, min, max };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (T975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean: r(mean), low: r(mean - half), high: r(mean + half), n, min, max };
}
