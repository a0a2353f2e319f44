import { readdirSync, readFileSync } from 'node:fs';

function statFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after its closing ")".
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined if it is gone. */
export function processStartTicks(pid: number): number | undefined {
  const rest = statFields(pid);
  if (!rest) return undefined;
  const state = rest[0];
  if (state === 'Z' || state === 'X') return undefined;
  const ticks = Number(rest[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel). */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds the process has used (fields 14 and 15 of /proc/<pid>/stat). */
export function processCpuSeconds(pid: number): number | undefined {
  const rest = statFields(pid);
  if (!rest) return undefined;
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : undefined;
}

/** True when `pid` is alive and is the very process that started at `startTicks`. */
export function isSameProcessAlive(pid: number, startTicks: number): boolean {
  return processStartTicks(pid) === startTicks;
}

/** Live processes whose environment has `name=value` (how the local runtime labels what it starts). */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(needle) && processStartTicks(pid) !== undefined) out.push(pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
