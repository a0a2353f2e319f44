/**
 * Broken services (one that exits while starting, one that is never ready, one that ignores
 * SIGTERM) fail with their name and the tail of their log, and leave nothing running. (A working
 * service through a whole run: run.lab.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Lab } from '../lab/lab.ts';
import { processesWithEnv } from '../lab/proc.ts';
import { testSettings } from '../lab/testing.ts';
import { buildTopology } from '../topology/topology.ts';
import { loadServiceFile } from './service-file.ts';
import { startServices, stopServices } from './start.ts';

const SLOT = 220;
let lab: Lab;
const tmp = mkdtempSync(join(tmpdir(), 'user-services-'));

beforeAll(async () => {
  lab = await Lab.start(testSettings(SLOT), { log: () => {}, ephemeral: true, only: ['coredns'], topology: buildTopology({ slot: SLOT, systemResolver: true }) });
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a user's service that does not work", { timeout: 60_000 }, () => {
  it('a service that exits while starting, one never ready, one that ignores SIGTERM: each named with its log, nothing left running', async () => {
    const file = (name: string, command: string[], extra: Record<string, unknown> = {}) => {
      const f = join(tmp, `${name}.yaml`);
      writeFileSync(
        f,
        stringify({
          name,
          language: 'sh',
          sdk: { name: 'none', version: '0' },
          start: { command, readyTimeoutMs: 2000, stopGraceMs: 1000, ...extra },
          ready: { path: '/health' },
          tables: [{ name: 'orders', partitionKey: { name: 'customer', type: 'S' } }],
          workload: { requests: [{ name: 'get', method: 'GET', path: '/', rate: 1 }] },
          slo: { successRatio: 0.9, latencyMs: 100, recoverWithinMs: 1000 },
        }),
      );
      return loadServiceFile(f);
    };
    const start = (spec: ReturnType<typeof file>) => startServices(lab, [spec], 'outage-lab', () => {}).then(() => 'started', (e: Error) => e.message);
    expect(await start(file('exits-at-start', ['sh', '-c', 'echo "cannot read config: /etc/orders.yaml" >&2; exit 3']))).toMatch(/^svc-exits-at-start exited while starting: cannot read config: \/etc\/orders\.yaml \(full log: .*svc-exits-at-start\.log\)$/);
    expect(await start(file('never-ready', ['sh', '-c', 'echo "waiting for a license server"; exec sleep 600']))).toMatch(/^svc-never-ready was not ready within 2000 ms: waiting for a license server/);
    // Ready, but deaf to SIGTERM: stopped with SIGKILL after its 1 s grace.
    const deaf = file('ignores-sigterm', [process.execPath, '-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, process.env.HOST)"]);
    const [svc] = await startServices(lab, [deaf], 'outage-lab', () => {});
    const t0 = Date.now();
    await stopServices(lab, [svc!]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(await lab.isRunning(svc!.component.name).catch((e: Error) => e.message)).toMatch(/no component named svc-ignores-sigterm/);
    expect(leftServices()).toEqual([]);
  });
});

/** Processes still running with one of this test's services' access keys in their environment. */
function leftServices(): number[] {
  return ['exits-at-start', 'never-ready', 'ignores-sigterm'].flatMap((n) => processesWithEnv('AWS_ACCESS_KEY_ID', `outage-lab.${n}`));
}
