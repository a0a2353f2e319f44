/**
 * Helpers for tests that start a real lab. Each test file uses its own slot, and each slot one
 * fixed lab home, so a lab a crashed test left behind is found (and stopped) by the next start
 * and by the suite's teardown (vitest.teardown.ts).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabContext } from './lab.ts';

export const TEST_SLOTS = [201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212] as const;

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
