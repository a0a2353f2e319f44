import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { testSettings } from '../../lab/testing.ts';
import { readHistory } from '../history/history.ts';
import { assertTriggered } from '../history/premise.ts';

const SLOT = 207;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');

describe('outage-lab run us-east-1 (the whole arc, real lab)', { timeout: 200_000 }, () => {
  it('shows every milestone in the incident order, with NLB targets removed and re-added while the backlog drains, in under 3 minutes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'us-east-1-'));
    const started = performance.now();
    const r = await execa(process.execPath, [BIN, 'run', 'us-east-1', '--seed', '1', '--out', out, '--json'], { env: testSettings(SLOT).env, reject: false, timeout: 200_000 });
    const h = readHistory(join(out, 'timeline.ndjson'));
    assertTriggered(h, 'us-east-1');
    expect(performance.now() - started).toBeLessThan(180_000);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const names = s.recovery.milestones.map((m: { name: string }) => m.name);
    for (const m of ['dns.empty', 'dns.detected', 'leases.lapsing', 'dns.restored', 'dynamodb.healthy', 'leases.all-valid', 'network.backlog.drained', 'nlb.targets.restored', 'launches.slo']) {
      expect(names).toContain(m);
    }
    expect(s.checks).toContainEqual(expect.objectContaining({ name: 'milestones-in-order', status: 'pass' }));
    expect(s.dns.emptyRecordPublished).toBe(true);
    expect(s.nlb.targetsRemoved).toBeGreaterThan(0);
    expect(s.nlb.targetsReadded).toBeGreaterThan(0);
    const building = h.find((e) => e.type === 'netmgr.backlog.building' && e.t >= s.herd.reachableAtMs)!.t;
    const drained = s.recovery.milestones.find((m: { name: string }) => m.name === 'network.backlog.drained').atMs;
    const flaps = h.filter((e) => (e.type === 'nlb.target.removed' || e.type === 'nlb.target.readded') && e.t >= building && e.t <= drained + 2000);
    expect(flaps.some((e) => e.type === 'nlb.target.removed')).toBe(true);
    expect(flaps.some((e) => e.type === 'nlb.target.readded')).toBe(true);
    expect(s.writes.lost).toBe(0);
  });
});
