import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeShards, encodeShards } from './shards-env.ts';

describe('the shards in one environment variable', () => {
  it('round-trips, and a map of repeated runs shrinks far below the kernel limit', () => {
    const run = { label: 'cell 1 seed 1', scenario: { name: 'slow-return', steps: Array.from({ length: 200 }, (_, i) => ({ at: i, what: 'x'.repeat(20) })) }, seed: 1, withTimeline: false };
    const shards = Array.from({ length: 24 }, (_, i) => ({ ...run, seed: i + 1 }));
    expect(JSON.stringify(shards).length).toBeGreaterThan(128 * 1024);
    const value = encodeShards(shards);
    expect(value.length).toBeLessThan(16 * 1024);
    expect(decodeShards(value)).toEqual(shards);
  });

  it('reads plain JSON too', () => {
    expect(decodeShards('[{"seed":1}]')).toEqual([{ seed: 1 }]);
  });

  it('refuses shards the kernel would not pass, saying what to do', () => {
    const noise = Array.from({ length: 8 }, () => randomBytes(16 * 1024).toString('base64'));
    expect(() => encodeShards(noise)).toThrow(/over the \d+ one environment variable can hold: run fewer cells or seeds at once/);
  });
});
