/** Helpers for tests that start a real lab. Each test file uses its own slot and lab home. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabContext } from './lab.ts';

export function testSettings(slot: number, env: NodeJS.ProcessEnv = process.env): LabContext {
  const home = mkdtempSync(join(tmpdir(), `outage-lab-test-${slot}-`));
  return { slot, home, env: { ...env, OUTAGE_LAB_HOME: home, OUTAGE_LAB_SLOT: String(slot) } };
}

export async function startTestLab(slot: number): Promise<{ lab: Lab; settings: LabContext }> {
  const settings = testSettings(slot);
  const lab = await Lab.start(settings, { log: () => {} });
  return { lab, settings };
}
