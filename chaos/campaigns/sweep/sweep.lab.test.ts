/**
 * A real (small) sweep: two cells of the race map on fresh labs, interrupted after the first run
 * and resumed without running it again; sweep.json, sweep.md and sweep.html come out.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../core/paths.ts';
import { leftovers, testSettings } from '../../../lab/testing.ts';

const SLOT = 212;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const { env, home } = testSettings(SLOT);

describe('outage-lab sweep (real lab)', { timeout: 180_000 }, () => {
  it('maps two cells, survives Ctrl-C and resumes without rerunning a finished run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweep-'));
    // 300 ms is below the boundary (never empties); 1500 ms above it, given a long enough window.
    const args = [BIN, 'sweep', 'race-map', '--quick', '--repeat', '1', '--grid', 'faults.0.latencyMs=300,1500', '--out', out];
    const first = execa(process.execPath, args, { env, reject: false });
    let stderr = '';
    first.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/cell 1\/2 .* run 1\/1/.test(stderr)) first.kill('SIGINT');
    });
    const r1 = await first;
    expect(r1.exitCode, stderr.slice(-1500)).toBe(130);
    const partial = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(partial.complete).toBe(false);
    expect(partial.cells.map((c: { runs: number }) => c.runs)).toEqual([1, 0]);
    expect((await leftovers(SLOT, home)).processes).toEqual([]);

    const r2 = await execa(process.execPath, args, { env, reject: false, timeout: 120_000 });
    expect(r2.exitCode, r2.stderr.slice(-1500)).toBe(0);
    expect(r2.stderr).toContain('1 of 2 runs already done');
    expect(r2.stderr).not.toMatch(/cell 1\/2 .* run 1\/1/);
    const s = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(s).toMatchObject({ scenario: 'race-map', metric: 'empty-record', grid: { 'faults.0.latencyMs': [300, 1500] }, complete: true });
    for (const c of s.cells) {
      expect(c.runs).toBe(1);
      expect(c.rate).toMatchObject({ value: expect.any(Number), low: expect.any(Number), high: expect.any(Number) });
      expect(c.median).toBeNull();
      expect(c.prediction).toMatchObject({ value: expect.any(Number) });
    }
    // Below the boundary the record never empties, and the model says so.
    expect(s.cells[0]).toMatchObject({ params: { 'faults.0.latencyMs': 300 }, rate: { value: 0 }, prediction: { value: 0 } });
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toMatch(/\| planIntervalMs|\| {2}\\ faults\.0\.latencyMs \| 300 \| 1500 \|/);
    const html = readFileSync(join(out, 'sweep.html'), 'utf8');
    expect(html).toContain('<svg class="heatmap"');
    expect(html.match(/<g class="cell"/g)).toHaveLength(2);
    expect(existsSync(join(out, 'sweep-plan.json'))).toBe(true);
  });

  it('refuses a different sweep in the same folder, and bad axes, in one line with exit 2', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweep-bad-'));
    const bad = await execa(process.execPath, [BIN, 'sweep', 'race-map', '--grid', 'faults.0.latencyMS=300'], { env, reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/faults\.0/);
    const none = await execa(process.execPath, [BIN, 'sweep', 'race-map', '--out', out], { env, reject: false });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('--grid is required');
  });
});
