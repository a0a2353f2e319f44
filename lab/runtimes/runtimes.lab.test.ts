/**
 * Both runtimes on real parts: the Docker runtime against a real engine (images built locally),
 * cleanup after `down` and after the harness is killed with SIGKILL mid-run, and a scenario of
 * process faults meaning the same in both.
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../chaos/history/history.ts';
import { assertTriggered } from '../../chaos/history/premise.ts';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { sleep } from '../proc.ts';
import { leftovers, testSettings } from '../testing.ts';

const SLOT = 209;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const { env, home } = testSettings(SLOT);
const cli = (args: string[], timeout = 60_000) => execa(process.execPath, [BIN, ...args], { env, reject: false, timeout });
const nothingLeft = async () => expect(await leftovers(SLOT, home)).toEqual({ processes: [], containers: [], listeners: [] });

describe('runtimes (real Docker engine, real processes)', { timeout: 180_000 }, () => {
  it('docker: builds the images, brings the lab up in under 10 s with status saying docker, and down leaves nothing', async () => {
    const images = await cli(['images'], 180_000);
    expect(images.exitCode, images.stderr).toBe(0);
    expect(images.stdout).toMatch(/services\s+outage-lab\/services:[0-9a-f]{16}/);
    const started = performance.now();
    const up = await cli(['up', '--runtime', 'docker']);
    const upMs = performance.now() - started;
    expect(up.exitCode, up.stderr).toBe(0);
    expect(upMs).toBeLessThan(10_000);
    const status = JSON.parse((await cli(['status', '--json'])).stdout);
    expect(status.runtime).toBe('docker');
    expect(status.components.every((c: { healthy: boolean; handle: string }) => c.healthy && /^container [0-9a-f]{12}$/.test(c.handle))).toBe(true);
    const down = await cli(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    await nothingLeft();
  });

  for (const runtime of ['local', 'docker']) {
    it(`${runtime}: after the harness is killed with SIGKILL mid-run, down leaves no container, process or listener`, async () => {
      const out = mkdtempSync(join(tmpdir(), `sigkill-${runtime}-`));
      const child = execa(process.execPath, [BIN, 'run', 'process-faults', '--runtime', runtime, '--out', out], { env, reject: false });
      // Mid-run: the faults phase has begun.
      for (let i = 0; i < 300; i++) {
        if (child.exitCode !== null) break;
        const l = await leftovers(SLOT, home);
        if (l.processes.length + l.containers.length >= 13) break;
        await sleep(100);
      }
      await sleep(6000);
      // The premise, asserted before the kill: the run is still going and its whole lab is up.
      // (After the kill the services notice their owner is gone and start exiting by themselves
      // within a second, so what is left then is a race, not a premise.)
      if (child.exitCode !== null) {
        const ended = await child;
        expect.fail(`premise: the run is still going — it ended with exit ${ended.exitCode}: ${String(ended.stderr).split('\n').slice(-5).join(' | ')}`);
      }
      const up = await leftovers(SLOT, home);
      expect(up.processes.length + up.containers.length, 'premise: the lab is up').toBeGreaterThanOrEqual(13);
      child.kill('SIGKILL');
      await child;
      const down = await cli(['down']);
      expect(down.exitCode, down.stderr).toBe(0);
      await nothingLeft();
    });
  }

  it('a scenario with kill, pause and restart faults behaves the same in both runtimes', async () => {
    const results = [];
    for (const runtime of ['local', 'docker']) {
      const out = mkdtempSync(join(tmpdir(), `process-faults-${runtime}-`));
      const r = await cli(['run', 'process-faults', '--runtime', runtime, '--seed', '1', '--out', out, '--json'], 90_000);
      expect(r.exitCode, `${runtime}: ${r.stderr.slice(-1500)}`).toBe(0);
      results.push(JSON.parse(r.stdout));
    }
    const [local, docker] = results;
    for (const s of [local, docker]) {
      expect(s.faults.map((f: { name: string; healedAtMs: number | null }) => [f.name, f.healedAtMs !== null])).toEqual([
        ['dynamodb-frozen', true],
        ['netmgr-killed', true],
        ['planner-restarted', true],
      ]);
      // Frozen DynamoDB: about two seconds of customer failures, then none.
      expect(s.customerErrorSeconds).toBeGreaterThan(1);
      expect(s.customerErrorSeconds).toBeLessThan(4);
      expect(s.story.blastRadius.impaired.map((i: { component: string }) => i.component)).toEqual(expect.arrayContaining(['dynamodb', 'netmgr', 'planner']));
    }
    expect(docker.runtime).toBe('docker');
    expect(local.runtime).toBe('local');
    expect(Math.abs(local.customerErrorSeconds - docker.customerErrorSeconds)).toBeLessThan(1);
    expect(local.verdict).toBe(docker.verdict);
    await nothingLeft();
  });

  it('docker: the DNS race empties the record and the canary catches it, as in the local runtime', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dns-race-docker-'));
    // The race is the premise here: closed-loop, and asserted before what follows from it.
    const r = await cli(['run', 'dns-race', '--runtime', 'docker', '--seed', '1', '--set', 'safeguards=off', '--set', 'faults.0.type=held-apply', '--out', out, '--json'], 90_000);
    assertTriggered(readHistory(join(out, 'timeline.ndjson')), 'dns-race in docker');
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.runtime).toBe('docker');
    expect(s.dns.emptyRecordPublished).toBe(true);
    expect(s.dns.detectionMs).toBeLessThanOrEqual(1000);
    expect(s.writes.lost).toBe(0);
    await nothingLeft();
  });
});
