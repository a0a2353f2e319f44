/**
 * Helpers for tests that start a real lab. Each test file uses its own slot, and each slot one
 * fixed lab home, so a lab a crashed test left behind is found (and stopped) by the next start
 * and by the suite's teardown (vitest.teardown.ts).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabContext } from './lab.ts';

export const TEST_SLOTS = [201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217] as const;

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
