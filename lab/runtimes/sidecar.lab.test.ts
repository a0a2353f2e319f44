/**
 * The sidecar runtime against the real launcher (tools/launch, the program a service's container
 * runs in a Job's pod), here as a plain process standing in for that container: the lab's start
 * reaches it through the shared folder, the service runs with the lab's environment and the
 * resolv.conf the lab gave it, in a process group of its own the lab stops with its grace; a
 * second start after a stop works; a service without a launcher is an error naming it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { processStartTicks, sleep } from '../proc.ts';
import { resolveProgram } from '../tools.ts';
import type { ProcessSpec } from './runtime.ts';
import { ENV_GUESTS, SidecarRuntime } from './sidecar.ts';

const root = mkdtempSync(join(tmpdir(), 'sidecar-'));
const guests = join(root, 'guests');
const resolv = join(root, 'container-resolv.conf');
// The "service": writes what it was given, then serves until SIGTERM (exit 0 after a goodbye).
const SERVICE = `const fs=require('fs');fs.writeFileSync(process.env.OUT, JSON.stringify({ env: process.env.GREETING, resolv: fs.readFileSync(${JSON.stringify(resolv)}, 'utf8'), pgid: fs.readFileSync('/proc/self/stat','utf8').split(') ')[1].split(' ')[2], pid: process.pid }));process.on('SIGTERM',()=>{console.log('bye');process.exit(0)});setInterval(()=>{},1000);`;
const launcher = execa(resolveProgram('outage-lab-launch'), ['-resolv-conf', resolv, join(guests, 'svc-demo'), '--', process.execPath, '-e', SERVICE], { reject: false });

afterAll(async () => {
  launcher.kill('SIGTERM');
  await launcher;
  rmSync(root, { recursive: true, force: true });
});

const spec = (out: string): ProcessSpec => {
  const conf = join(root, 'resolv-demo.conf');
  writeFileSync(conf, 'nameserver 127.99.0.53\n');
  return { name: 'svc-demo', program: 'command', args: [], address: '127.0.0.1', port: 0, ready: { kind: 'http', url: '' }, env: { GREETING: 'hello', OUT: out }, resolvConf: conf, stopGraceMs: 2000 };
};

describe('sidecar runtime (the real launcher, real processes)', { timeout: 60_000 }, () => {
  it('starts the service through the launcher with the lab environment and resolv.conf, in its own group; stops it; starts it again', async () => {
    const rt = await SidecarRuntime.create({ ...process.env, [ENV_GUESTS]: guests });
    const labels = { lab: root, run: root };
    const logDir = mkdtempSync(join(root, 'logs-'));
    for (const round of [1, 2]) {
      const out = join(root, `out-${round}.json`);
      const c = await rt.start(spec(out), logDir, labels);
      expect(c.handle.kind).toBe('process');
      const pid = (c.handle as { pid: number }).pid;
      for (let i = 0; i < 100 && !existsSync(out); i++) await sleep(50);
      const seen = JSON.parse(readFileSync(out, 'utf8')) as { env: string; resolv: string; pgid: string; pid: number };
      expect(seen).toMatchObject({ env: 'hello', resolv: 'nameserver 127.99.0.53\n', pid });
      expect(Number(seen.pgid)).toBe(pid); // its own process group: the lab's signals reach all of it
      expect(await rt.isAlive(c)).toBe(true);
      await rt.stop(c);
      expect(await rt.isAlive(c)).toBe(false);
      expect(processStartTicks(pid)).toBeUndefined();
      // Its log is kept with the run's others once it stops.
      expect(readFileSync(join(logDir, 'svc-demo.log'), 'utf8')).toContain('bye');
    }
    expect(launcher.exitCode).toBeNull(); // the launcher waits for the next start
  });

  it('a service whose container is not in the pod: an error naming it, after the wait', async () => {
    const rt = await SidecarRuntime.create({ ...process.env, [ENV_GUESTS]: guests }, undefined, { appearMs: 300 });
    const s = { ...spec(join(root, 'never.json')), name: 'svc-missing' };
    await expect(rt.start(s, root, { lab: root, run: root })).rejects.toThrow(/svc-missing: no container of this pod runs its launcher/);
  });

  it('outside a pod it refuses, naming the variable', async () => {
    const env = { ...process.env };
    delete env[ENV_GUESTS];
    await expect(SidecarRuntime.create(env)).rejects.toThrow(new RegExp(`${ENV_GUESTS} set`));
  });
});
