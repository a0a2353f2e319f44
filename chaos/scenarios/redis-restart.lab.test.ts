import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { testSettings } from '../../lab/testing.ts';

const SLOT = 210;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');

async function run(sets: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'redis-restart-'));
  const r = await execa(process.execPath, [BIN, 'run', 'redis-restart', '--seed', '1', '--out', out, '--json', ...sets.flatMap((s) => ['--set', s])], { env: testSettings(SLOT).env, reject: false, timeout: 90_000 });
  return { r, s: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe('Redis killed under customer writes (real Redis, SIGKILL)', { timeout: 90_000 }, () => {
  it('loses no acknowledged write with the append-only file fsync\'ed before every reply', async () => {
    const { r, s } = await run([]);
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(0);
    expect(s.faults).toEqual([expect.objectContaining({ name: 'redis-killed', type: 'kill' })]);
    expect(s.writes.acknowledged).toBeGreaterThan(300);
    expect(s.writes.lost).toBe(0);
    expect(s.customerErrorSeconds).toBeGreaterThan(0.5); // Redis really was down
  });

  it('with persistence off the same kill loses acknowledged writes, and no-lost-writes says how many', async () => {
    const { r, s } = await run(['redis.persistence=off']);
    expect(r.exitCode).toBe(1);
    expect(s.writes.lost).toBeGreaterThan(0);
    expect(s.checks).toContainEqual(expect.objectContaining({ name: 'no-lost-writes', status: 'fail', detail: expect.stringMatching(/^\d+ of \d+ acknowledged writes lost$/) }));
  });
});
