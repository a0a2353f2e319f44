import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { livingProcessesMatching } from '../../lab/proc-scan.ts';
import { testSettings } from '../../lab/testing.ts';
import { readHistory } from '../history/history.ts';
import { assertTriggered } from '../history/premise.ts';

const SLOT = 203;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');

async function run(args: string[]) {
  const { env } = testSettings(SLOT);
  const out = mkdtempSync(join(tmpdir(), 'dns-race-'));
  const r = await execa(process.execPath, [BIN, 'run', 'dns-race', '--out', out, '--json', ...args], { env, reject: false, timeout: 120_000 });
  return { r, out, summary: r.stdout ? JSON.parse(r.stdout) : undefined, history: r.stdout ? readHistory(join(out, 'timeline.ndjson')) : [] };
}

describe('outage-lab run dns-race (real lab)', { timeout: 120_000 }, () => {
  // The race's rate under an open-loop delay is the race map's figure (chaos/sweep/); here the
  // race is the premise, so the delay is closed-loop: Enactor #1's apply is held until its plan
  // has been deleted, and the test asserts the empty record before anything that follows from it.
  const closedLoop = ['--set', 'faults.0.type=held-apply'];

  it('without safeguards, a delay on Enactor #1 alone publishes an empty record that the canary catches as empty', async () => {
    const { r, summary, history, out } = await run(['--seed', '1', '--set', 'safeguards=off', ...closedLoop]);
    assertTriggered(history, 'dns-race');
    expect(r.exitCode, r.stderr).toBe(1); // the steady-state hypothesis "never empty" fails: the outage happened
    expect(summary.verdict).toBe('fail');
    expect(summary.status).toBe('completed');

    // The only fault: Enactor #1's link on Toxiproxy, slow, its apply held until its plan was deleted.
    expect(summary.faults).toEqual([expect.objectContaining({ name: 'enactor1-slow', type: 'held-apply' })]);
    expect(history.filter((e) => e.type === 'fault.injected')).toEqual([expect.objectContaining({ link: 'enactor1-route53', affects: ['enactor1'] })]);
    const release = history.find((e) => e.type === 'fault.trigger.release')!;
    expect(release).toMatchObject({ reason: 'plan-deleted', enactor: 'enactor1' });

    expect(summary.dns.emptyRecordPublished).toBe(true);
    expect(summary.dns.detectedAtMs - summary.dns.emptyAtMs).toBeLessThanOrEqual(1000);
    expect(summary.dns.canary.empty).toBeGreaterThan(0);
    expect(summary.dns.restoredAtMs).toBeGreaterThan(summary.dns.emptyAtMs);

    // While empty: later plans fail to apply, customers fail; before the race they did not.
    expect(summary.enactors.appliesFailedWhileEmpty).toBeGreaterThan(0);
    expect(summary.customers.beforeFaults.errorRate).toBeLessThanOrEqual(0.01);
    expect(summary.customers.whileEmpty.errorRate).toBeGreaterThanOrEqual(0.95);
    expect(summary.customers.afterRestore.errorRate).toBeLessThanOrEqual(0.01);
    expect(summary.operator).toEqual([expect.objectContaining({ action: 'restore-dns', ok: true })]);
    expect(summary.writes.lost).toBe(0);
    expect(summary.writes.acknowledged).toBeGreaterThan(100);

    // The empty record came from Route 53 pointing the regional record at a deleted plan.
    const empty = assertTriggered(history);
    expect(empty.generation).toBeTypeOf('number');
    expect(history.some((e) => e.type === 'route53.plan.deleted' && e.generation === empty.generation && e.t < empty.t)).toBe(true);
    expect(empty.generation).toBe(release.plan);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('FAIL dns-never-empty');
  });

  it('with safeguards on, the same delay does no harm and the fencing rejection is in the history', async () => {
    const { r, summary, history } = await run(['--seed', '1', '--set', 'safeguards=on', ...closedLoop]);
    // The premise of the control: Enactor #1's stale apply was held and then sent, and refused.
    expect(history.some((e) => e.type === 'fault.trigger.hold')).toBe(true);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(summary.dns.emptyRecordPublished).toBe(false);
    expect(summary.dns.canary.empty).toBe(0);
    expect(history.some((e) => e.type === 'route53.apply.rejected-stale' && e.enactor === 'enactor1')).toBe(true);
    expect(summary.checks).toContainEqual(expect.objectContaining({ name: 'fencing-rejected-stale-apply', status: 'pass' }));
    expect(summary.writes.lost).toBe(0);
  });

  it('rejects a scenario with a wrong field in one line with exit 2, starting nothing', async () => {
    const { env, home } = testSettings(SLOT);
    const r = await execa(process.execPath, [BIN, 'run', 'dns-race', '--set', 'faults.0.latencyMS=300'], { env, reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('faults.0');
    expect(livingProcessesMatching([`127.${SLOT}.`, home])).toEqual([]);
  });
});
