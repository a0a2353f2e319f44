import { readFileSync } from 'node:fs';

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined if it is gone. */
export function processStartTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after its closing ")".
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  if (state === 'Z' || state === 'X') return undefined;
  const ticks = Number(rest[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** True when `pid` is alive and is the very process that started at `startTicks`. */
export function isSameProcessAlive(pid: number, startTicks: number): boolean {
  return processStartTicks(pid) === startTicks;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
