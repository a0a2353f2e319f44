/**
 * Users' services in the Docker runtime: the four examples' images built from their Dockerfiles
 * (FROM the lab's own base images — nothing pulled) run through the DNS race in the Docker
 * runtime (`run dns-race --runtime docker`, closed-loop trigger), each meeting the empty record through its container's /etc/resolv.conf with its SDK's
 * DNS error and recovering after; and a harness killed with SIGKILL mid-run, in either runtime,
 * leaves no service process or container once `down` has run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTriggered } from '../chaos/history/premise.ts';
import { readHistory } from '../chaos/history/history.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { processesWithEnv, sleep } from '../lab/proc.ts';
import { leftovers, testSettings } from '../lab/testing.ts';
import type { ServiceFigures } from './analysis.ts';
import { installExamples } from './examples.ts';

const SLOT = 222;
const LANGUAGES = ['node', 'python', 'go', 'java'] as const;
const tmp = mkdtempSync(join(tmpdir(), 'service-docker-'));
const { env, home } = testSettings(SLOT);
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const cli = (args: string[], timeout = 400_000) => execa(process.execPath, [BIN, ...args], { env, reject: false, all: true, timeout });
// The DNS race closed-loop (the empty record by construction). The repair comes 8 s after the
// alert (dns-race's own 3 s left the record empty for less time than a service may keep going on
// a connection opened before it emptied — up to 2 s — plus the JVM's 1 s cache: Java then stayed
// 92 % good while it was empty), and the run goes on long enough after the repair for the slowest
// service to meet its SLO again (the JVM keeps a failed lookup 10 s).
const RACE = ['run', 'dns-race', '--set', 'safeguards=off', '--set', 'faults.0.type=held-apply', '--set', 'operator.0.when.delayMs=8000', '--set', 'stop.afterEvents.0.delayMs=25000'];
const serviceArgs = (langs: readonly string[]) => langs.flatMap((l) => ['--service', join(PROJECT_ROOT, 'examples', `orders-${l}`, 'service.yaml')]);

/** Service containers of this lab, by the lab's label. */
async function serviceContainers(): Promise<string[]> {
  const { default: Docker } = await import('dockerode');
  const list = await new Docker({ socketPath: '/var/run/docker.sock' }).listContainers({ all: true, filters: { label: ['outage-lab.component'] } });
  return list.filter((c) => c.Labels['outage-lab.component']?.startsWith('svc-')).map((c) => `${c.Names[0]} (${c.State})`);
}

beforeAll(async () => {
  await installExamples(() => {});
}, 600_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("users' services in Docker, and after a SIGKILL", { timeout: 600_000 }, () => {
  it('docker: the four examples, each from its Dockerfile, fail with their SDK’s DNS error while the record is empty and recover after', async () => {
    const out = join(tmp, 'docker');
    // A quarter of each file's rates, as in run.lab.test.ts: four services at their full rates
    // with a lab keep both of this machine's cores at 100 % (Node's steady share fell to 0.91).
    const r = await cli([...RACE, '--runtime', 'docker', '--seed', '1', '--out', out, '--set', 'service.load=0.25', ...serviceArgs(LANGUAGES)]);
    assertTriggered(readHistory(join(out, 'timeline.ndjson')), 'the docker run with the four examples');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { runtime: string; services: ServiceFigures[]; checks: { name: string; status: string }[] };
    for (const svc of summary.services) {
      // eslint-disable-next-line no-console
      console.log(`[service-docker.test] ${svc.name}: ${svc.verdict}, ttr ${svc.ttrMs} ms, phases ${svc.phases.map((p) => `${p.name} ${p.fromMs}–${p.toMs} ms ${p.good}/${p.requests} good`).join('; ')}, first error "${svc.firstError?.error.slice(0, 160)}"`);
    }
    // The record emptied (dns-never-empty fails, as it must); every service's own check passed.
    expect(r.exitCode, r.all?.slice(-3000)).toBe(1);
    const failed = summary.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.name), JSON.stringify(failed)).toEqual(['dns-never-empty']);
    expect(summary.runtime).toBe('docker');
    for (const l of LANGUAGES) {
      const svc = summary.services.find((s) => s.name === `orders-${l}`)!;
      expect(svc, l).toMatchObject({ verdict: 'recovered', metastable: false });
      const [steady, empty] = svc.phases;
      expect(steady!.good / steady!.requests, l).toBeGreaterThan(0.95);
      // The premise first: the record stayed empty longer than a connection from before can last.
      expect(empty!.toMs - empty!.fromMs, `${l}: premise: the record was empty for more than 5 s`).toBeGreaterThan(5000);
      expect(empty!.good / empty!.requests, l).toBeLessThan(0.9);
      // The name did not resolve inside the container: each SDK's own words for it.
      expect(svc.firstError?.error, l).toMatch(/ENOTFOUND|Could not connect to the endpoint URL|no such host|UnknownHostException/);
    }
    expect(await serviceContainers()).toEqual([]);
  });

  for (const runtime of ['local', 'docker'] as const) {
    it(`${runtime}: a harness killed with SIGKILL mid-run, then down, leaves no service process or container`, async () => {
      const out = join(tmp, `sigkill-${runtime}`);
      const child = execa(process.execPath, [BIN, ...RACE, '--runtime', runtime, '--seed', '1', '--out', out, ...serviceArgs(['node', 'go'])], { env, reject: false });
      // The premise, asserted before the kill: both services answer and the run goes on.
      let up = false;
      for (let i = 0; i < 1200 && child.exitCode === null && !up; i++) {
        await sleep(250);
        const timeline = join(out, 'timeline.ndjson');
        up = existsSync(timeline) && readFileSync(timeline, 'utf8').split('\n').filter((l) => l.includes('"type":"service.steady"')).length === 2;
      }
      if (child.exitCode !== null) {
        const ended = await child;
        expect.fail(`premise: the run is still going — it ended with exit ${ended.exitCode}: ${String(ended.stderr).split('\n').slice(-5).join(' | ')}`);
      }
      expect(up, 'premise: both services met their SLO').toBe(true);
      child.kill('SIGKILL');
      await child;
      const down = await cli(['down'], 120_000);
      expect(down.exitCode, down.all).toBe(0);
      expect(processesWithEnv('AWS_ACCESS_KEY_ID', 'outage-lab.orders-node')).toEqual([]);
      expect(processesWithEnv('AWS_ACCESS_KEY_ID', 'outage-lab.orders-go')).toEqual([]);
      expect(await serviceContainers()).toEqual([]);
      expect(await leftovers(SLOT, home)).toEqual({ processes: [], containers: [], listeners: [] });
    });
  }
});
