import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../dns/zone-file.ts';
import type { RuntimeName } from './runtimes/index.ts';
import type { LabLabels, StartedComponent } from './runtimes/runtime.ts';

/** What `up` leaves behind so `status` and `down` (from any shell) can find the lab. */
export interface LabState {
  readonly version: 2;
  readonly runtime: RuntimeName;
  /** The labels every component carries (outage-lab.lab, outage-lab.run). */
  readonly labels: LabLabels;
  readonly slot: number;
  readonly runDir: string;
  readonly startedAt: string;
  /** "starting" while `up` runs, "up" once every component is ready. */
  status: 'starting' | 'up';
  /** The process that started the lab (after `up` it is gone; a `run` owns its lab throughout). */
  readonly ownerPid: number;
  /** Ephemeral labs (started by `run`) die with their owner; `up` labs outlive it. */
  readonly ephemeral?: boolean;
  /** Whether the lab runs its monitoring (Prometheus, the blackbox exporter, Alertmanager). */
  readonly monitoring?: boolean;
  components: StartedComponent[];
}

export function stateFile(home: string): string {
  return join(home, 'state.json');
}

export async function readState(home: string): Promise<LabState | undefined> {
  try {
    const text = await readFile(stateFile(home), 'utf8');
    // Empty: a claim by an older outage-lab interrupted before it wrote anything, so before any
    // component started (claims are atomic now): nothing to find, and the file goes.
    if (text.trim() === '') {
      await clearState(home);
      return undefined;
    }
    const state = JSON.parse(text) as LabState;
    if (state.version !== 2) throw new Error(`written by an older outage-lab (version ${state.version})`);
    return state;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read lab state ${stateFile(home)}: ${(err as Error).message}; delete it if no lab is running`);
  }
}

/**
 * Claims the lab home for a new lab; fails with EEXIST when a state file is already there. The
 * state is written to a file of its own first and then linked into place, so the claim is atomic:
 * a harness interrupted mid-claim leaves either no state file or a whole one, never an empty one.
 */
export async function claimState(home: string, state: LabState): Promise<void> {
  await mkdir(home, { recursive: true });
  const draft = `${stateFile(home)}.${process.pid}.claim`;
  await writeFile(draft, JSON.stringify(state, null, 2));
  try {
    await link(draft, stateFile(home));
  } finally {
    await rm(draft, { force: true });
  }
}

export async function saveState(home: string, state: LabState): Promise<void> {
  await writeFileAtomic(stateFile(home), JSON.stringify(state, null, 2));
}

export async function clearState(home: string): Promise<void> {
  await rm(stateFile(home), { force: true });
}
