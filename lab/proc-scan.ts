import { readdirSync, readFileSync } from 'node:fs';
import { processStartTicks } from './proc.ts';

/** Live (non-zombie) processes whose command line contains any of the needles. */
export function livingProcessesMatching(needles: readonly string[]): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (!cmdline || processStartTicks(pid) === undefined) continue;
    if (needles.some((n) => cmdline.includes(n))) out.push({ pid, cmdline });
  }
  return out;
}
