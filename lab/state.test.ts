import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimState, readState, stateFile, type LabState } from './state.ts';

const state = (): LabState => ({
  version: 2,
  runtime: 'local',
  labels: { lab: '/x', run: '/x/run' },
  slot: 9,
  runDir: '/x/run',
  startedAt: '2026-11-27T00:00:00.000Z',
  status: 'starting',
  ownerPid: process.pid,
  components: [],
});

describe('lab state', () => {
  it('claims a lab home atomically: whole state or EEXIST, and no draft left behind', async () => {
    const home = mkdtempSync(join(tmpdir(), 'state-'));
    await claimState(home, state());
    expect(await readState(home)).toMatchObject({ slot: 9, status: 'starting' });
    await expect(claimState(home, state())).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readdirSync(home)).toEqual(['state.json']);
  });

  it('reads an empty state file (a claim an older version left half-done) as no lab, and names a corrupt one', async () => {
    const home = mkdtempSync(join(tmpdir(), 'state-'));
    writeFileSync(stateFile(home), '');
    expect(await readState(home)).toBeUndefined();
    await claimState(home, state()); // the empty file is gone: the home can be claimed
    writeFileSync(stateFile(home), '{"version": 2, "slot"');
    await expect(readState(home)).rejects.toThrow(/cannot read lab state .*state\.json.*delete it if no lab is running/);
  });
});
