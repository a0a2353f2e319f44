/**
 * Helpers for tests that start a real lab. Each test file uses its own slot, and each slot one
 * fixed lab home, so a lab a crashed test left behind is found (and stopped) by the next start
 * and by the suite's teardown (vitest.teardown.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabContext } from './lab.ts';

export const TEST_SLOTS = [201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223] as const;

export function testHome(slot: number): string {
  return join(tmpdir(), `outage-lab-test-slot${slot}`);
}

export function testSettings(slot: number, env: NodeJS.ProcessEnv = process.env): LabContext {
  const home = testHome(slot);
  mkdirSync(home, { recursive: true });
  return { slot, home, env: { ...env, OUTAGE_LAB_HOME: home, OUTAGE_LAB_SLOT: String(slot) } };
}

export async function startTestLab(slot: number, only?: readonly string[]): Promise<{ lab: Lab; settings: LabContext }> {
  const settings = testSettings(slot);
  const lab = await Lab.start(settings, { log: () => {}, ephemeral: true, ...(only ? { only } : {}) });
  return { lab, settings };
}

/** What a lab left behind: processes naming its addresses or home, its labelled containers, its taken ports. */
export async function leftovers(slot: number, home: string): Promise<{ processes: string[]; containers: string[]; listeners: string[] }> {
  const [{ livingProcessesMatching }, { processesWithEnv }, { ENV_LABEL_LAB }, { takenPorts }, { buildTopology, listeningEndpoints }, { labLabel }] = await Promise.all([
    import('./proc-scan.ts'),
    import('./proc.ts'),
    import('./runtimes/local.ts'),
    import('./ports.ts'),
    import('../topology/topology.ts'),
    import('./lab.ts'),
  ]);
  let containers: string[] = [];
  try {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const list = await docker.listContainers({ all: true, filters: { label: [`outage-lab.lab=${labLabel(home)}`] } });
    containers = list.map((c) => `${c.Names[0]} (${c.State})`);
  } catch {
    /* no Docker engine: nothing can be left there */
  }
  return {
    // By the lab's label (the local runtime's environment variable) and by its addresses or home.
    processes: [...new Set([...processesWithEnv(ENV_LABEL_LAB, labLabel(home)), ...livingProcessesMatching([`127.${slot}.`, home]).map((p) => p.pid)])].map(String),
    containers,
    // Every endpoint a lab can have, its monitoring included.
    listeners: (await takenPorts(listeningEndpoints(buildTopology({ slot, monitoring: true })))).map((t) => `${t.endpoint} (${t.owner})`),
  };
}

/**
 * A temporary folder for a test file's runs, removed afterwards — unless a test in the file
 * failed: then it is kept and its path printed, so the failed run's history and logs can be read.
 */
export function runFolderKeptOnFailure(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let failed = false;
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  afterAll(() => {
    // eslint-disable-next-line no-console
    if (failed) console.log(`[kept for inspection: a test failed] ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * Why a run folder's run failed, for an assertion's message: its failed checks (name and detail,
 * from summary.json) and its error, then the tail of what the command printed.
 */
export function whyRunFailed(outDir: string, output: string): string {
  let checks = '(no summary.json)';
  try {
    const s = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as { status?: string; error?: string; checks?: { name: string; status: string; detail?: string }[] };
    const failed = (s.checks ?? []).filter((c) => c.status === 'fail');
    checks = `status ${s.status ?? '?'}${s.error ? `, error: ${s.error}` : ''}; failed checks: ${failed.length ? failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ') : 'none'}`;
  } catch (err) {
    checks = `(summary.json unreadable: ${(err as Error).message})`;
  }
  return `${checks}\n--- output (last 3000 characters) ---\n${output.slice(-3000)}`;
}
