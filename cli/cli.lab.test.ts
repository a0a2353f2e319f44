import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../core/paths.ts';
import { isFree } from '../lab/ports.ts';
import { sleep } from '../lab/proc.ts';
import { livingProcessesMatching } from '../lab/proc-scan.ts';
import { resolveProgram } from '../lab/tools.ts';
import { testSettings } from '../lab/testing.ts';
import { buildTopology, listeningEndpoints } from '../topology/topology.ts';

const SLOT = 202;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const topology = buildTopology({ slot: SLOT });

let env: NodeJS.ProcessEnv = {};
let home = '';

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return execa(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, reject: false, timeout: 30_000 });
}

/** The lab's processes: anything whose command line names this slot's addresses or this test's lab home. */
function labProcesses() {
  return livingProcessesMatching([`127.${SLOT}.`, home]);
}

async function expectNothingRunning() {
  expect(labProcesses()).toEqual([]);
  for (const e of listeningEndpoints(topology)) expect(await isFree(e.endpoint, e.udp), `${e.owner} ${e.endpoint.address}:${e.endpoint.port}`).toBe(true);
  expect(existsSync(join(home, 'state.json'))).toBe(false);
}

describe('outage-lab up / status / down', () => {
  afterEach(async () => {
    await cli(['down']);
  });

  function fresh() {
    const s = testSettings(SLOT);
    env = s.env;
    home = s.home;
  }

  it('brings the lab up in under 5 s, reports it as JSON, refuses a second up, and down leaves nothing behind', async () => {
    fresh();
    const started = performance.now();
    const up = await cli(['up']);
    const upMs = performance.now() - started;
    expect(up.exitCode, up.stderr).toBe(0);
    expect(upMs).toBeLessThan(5000);
    expect(up.stdout).toContain(`127.${SLOT}.2.2:1053`);

    const status = await cli(['status', '--json']);
    expect(status.exitCode).toBe(0);
    const info = JSON.parse(status.stdout);
    expect(info).toMatchObject({
      zone: 'aws.test.',
      dynamodbName: 'dynamodb.us-east-1.aws.test',
      dns: `127.${SLOT}.2.2:1053`,
      toxiproxy: `http://127.${SLOT}.2.3:8474`,
      redis: `redis://127.${SLOT}.2.1:6379`,
      runtime: 'local',
    });
    expect(info.components.map((c: { name: string }) => c.name).sort()).toEqual(topology.components.map((c) => c.name).sort());
    for (const c of info.components) {
      expect(c).toMatchObject({ healthy: true, address: expect.stringMatching(new RegExp(`^127\\.${SLOT}\\.`)) });
      expect(c.handle).toMatch(/^pid \d+$/);
    }
    expect(labProcesses().length).toBe(topology.components.length);

    const again = await cli(['up']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('a lab is already up');

    const down = await cli(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    await expectNothingRunning();
    const after = await cli(['status', '--json']);
    expect(after.exitCode).toBe(3);
    expect(JSON.parse(after.stdout).up).toBe(false);
  });

  it('rejects an unknown flag with one line and exit 2, starting nothing', async () => {
    fresh();
    const r = await cli(['up', '--bogus']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown option '--bogus'.*--help/);
    await expectNothingRunning();
  });

  it('refuses to start when a lab port is taken, naming the port and the fix, starting nothing', async () => {
    fresh();
    const squatter = createServer();
    const coredns = topology.components.find((c) => c.name === 'coredns')!;
    await new Promise<void>((resolve) => squatter.listen(coredns.extraPorts.ready, coredns.address, resolve));
    try {
      const r = await cli(['up']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`port ${coredns.address}:${coredns.extraPorts.ready} (coredns (ready)) is already in use`);
      expect(r.stderr).toContain('OUTAGE_LAB_SLOT');
      expect(labProcesses()).toEqual([]);
      expect(existsSync(join(home, 'state.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('names a missing binary and how to get it, starting nothing', async () => {
    fresh();
    const r = await cli(['up'], { OUTAGE_LAB_TOXIPROXY: '/nonexistent/toxiproxy-server' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('OUTAGE_LAB_TOXIPROXY=/nonexistent/toxiproxy-server does not exist');
    expect(r.stderr).toContain('npx outage-lab install');
    await expectNothingRunning();
  });

  it('stops what it started when interrupted with Ctrl-C during up', async () => {
    fresh();
    // A Toxiproxy that takes 3 s to start gives a window in which redis, coredns and the services
    // that do not need Toxiproxy already run.
    const slow = join(home, 'slow-toxiproxy');
    writeFileSync(slow, `#!/bin/sh\nsleep 3\nexec ${resolveProgram('toxiproxy-server')} "$@"\n`);
    chmodSync(slow, 0o755);
    const child = spawn(process.execPath, [BIN, 'up'], { env: { ...env, OUTAGE_LAB_TOXIPROXY: slow }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    while (labProcesses().length < 3 && Date.now() < deadline) await sleep(20);
    expect(labProcesses().length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT');
    await expectNothingRunning();
  });

  it('down from another shell stops a lab whose up has exited, and says so when nothing is up', async () => {
    fresh();
    expect((await cli(['up'])).exitCode).toBe(0);
    const pids = labProcesses().map((p) => p.pid);
    expect(pids).toHaveLength(topology.components.length);
    const down = await cli(['down']);
    for (const c of topology.components) expect(down.stderr).toContain(c.name);
    await expectNothingRunning();
    const again = await cli(['down']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('no lab is up');
  });
});
