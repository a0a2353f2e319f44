import { describe, expect, it } from 'vitest';
import { boundaryOf, describeBoundary } from './boundary.ts';

const p = (rho: number, metastable: number, runs = 3) => ({ rho, metastable, runs });

describe("a configuration's boundary load", () => {
  it('lies between the highest load that recovered and the lowest that stayed down', () => {
    const b = boundaryOf([p(0.62, 3), p(0.21, 0), p(0.83, 3), p(0.41, 1)]);
    expect(b).toEqual({ value: 0.52, low: 0.41, high: 0.62, monotone: true });
    expect(describeBoundary(b, 0.21)).toBe('0.41–0.62');
  });

  it('a tie counts as staying down; a load with no counted run is left out', () => {
    expect(boundaryOf([p(0.2, 0), p(0.4, 1, 2), p(0.6, 0, 0)])).toMatchObject({ low: 0.2, high: 0.4 });
  });

  it('below every load when the lowest stayed down; above every load when none did', () => {
    const down = boundaryOf([p(0.2, 2), p(0.4, 3)]);
    expect(down).toEqual({ value: null, low: null, high: 0.2, monotone: true });
    expect(describeBoundary(down, 0.2)).toBe('< 0.20');
    const up = boundaryOf([p(0.2, 0), p(0.4, 1)]);
    expect(up).toEqual({ value: null, low: 0.4, high: null, monotone: true });
    expect(describeBoundary(up, 0.2)).toBe('> 0.40');
  });

  it('says so when a load recovered above one that stayed down', () => {
    const b = boundaryOf([p(0.2, 0), p(0.4, 2), p(0.6, 0)]);
    expect(b).toMatchObject({ low: 0.2, high: 0.4, monotone: false });
    expect(describeBoundary(b, 0.2)).toBe('0.20–0.40 (not monotone)');
  });
});
