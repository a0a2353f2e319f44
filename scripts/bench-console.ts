/**
 * What the console costs the experiment: the scripted quick game day N times without a console
 * and N times with `--console` and one headless chromium watching it, alternating, with the same
 * seed; prints each arm's figures per run and the spread within each group, the browser's
 * event → page delay, and writes bench-console.json.
 *
 *   npx tsx scripts/bench-console.ts [--repeat 3] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { ComparisonSchema, type Comparison } from '../chaos/gameday/comparison.ts';
import { PROJECT_ROOT } from '../lab/paths.ts';

declare const window: { __console: { state: { latencies: number[] } } };

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const repeat = Number(arg('--repeat', '3'));
const out = arg('--out', join(PROJECT_ROOT, 'reports', `bench-console-${new Date().toISOString().replace(/[:.]/g, '-')}`));
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
mkdirSync(out, { recursive: true });

interface Run {
  readonly console: boolean;
  readonly wallMs: number;
  readonly comparison: Comparison;
  readonly delays?: { median: number; p99: number; n: number };
}

async function gameday(i: number, withConsole: boolean): Promise<Run> {
  const dir = join(out, `${withConsole ? 'console' : 'plain'}-${i}`);
  const started = Date.now();
  const child = execa(process.execPath, [BIN, 'gameday', '--quick', '--no-progress', '--out', dir, ...(withConsole ? ['--console', '--port', '0'] : [])], { reject: false });
  let delays: Run['delays'];
  if (withConsole) {
    const url = await new Promise<string>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        const m = /console: (\S+)/.exec(d.toString());
        if (m) resolve(m[1]!);
      });
    });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    const page = await browser.newPage();
    await page.goto(url);
    let last: number[] = [];
    const poll = setInterval(() => {
      page.evaluate(() => window.__console.state.latencies).then((l) => (last = l), () => {});
    }, 2000);
    await child;
    clearInterval(poll);
    await browser.close();
    const sorted = [...last].sort((a, b) => a - b);
    delays = { median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN, p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN, n: sorted.length };
  }
  const r = await child;
  if (r.exitCode !== 0) throw new Error(`game day ${dir} exited ${r.exitCode}: ${r.stderr.slice(-1500)}`);
  return { console: withConsole, wallMs: Date.now() - started, comparison: ComparisonSchema.parse(JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8'))), ...(delays ? { delays } : {}) };
}

const runs: Run[] = [];
for (let i = 1; i <= repeat; i++) {
  for (const c of [false, true]) {
    process.stderr.write(`[bench-console] run ${i}/${repeat} ${c ? 'with the console and a browser' : 'without a console'}…\n`);
    runs.push(await gameday(i, c));
  }
}
const FIGS = ['ttrMs', 'ratioToBound', 'amplification', 'customerErrorSeconds'] as const;
const lines: string[] = [];
for (const arm of runs[0]!.comparison.arms.map((a) => a.name)) {
  for (const f of FIGS) {
    const group = (c: boolean) => runs.filter((r) => r.console === c).map((r) => r.comparison.arms.find((a) => a.name === arm)![f]);
    const fmt = (v: (number | null)[]) => `${v.join(', ')} (spread ${Math.min(...(v as number[]))}–${Math.max(...(v as number[]))})`;
    lines.push(`${arm.padEnd(12)} ${f.padEnd(22)} without: ${fmt(group(false))}   with: ${fmt(group(true))}`);
  }
}
const delays = runs.flatMap((r) => (r.delays ? [r.delays] : []));
lines.push(`wall: without ${runs.filter((r) => !r.console).map((r) => (r.wallMs / 1000).toFixed(0)).join(', ')} s; with ${runs.filter((r) => r.console).map((r) => (r.wallMs / 1000).toFixed(0)).join(', ')} s`);
lines.push(`event → browser delay: median ${delays.map((d) => d.median).join(', ')} ms; p99 ${delays.map((d) => d.p99).join(', ')} ms (messages ${delays.map((d) => d.n).join(', ')})`);
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(join(out, 'bench-console.json'), `${JSON.stringify({ repeat, runs: runs.map((r) => ({ console: r.console, wallMs: r.wallMs, delays: r.delays, arms: r.comparison.arms.map((a) => ({ name: a.name, ...Object.fromEntries(FIGS.map((f) => [f, a[f]])), metastable: a.metastable, recoveredBy: a.recoveredBy })) })) }, null, 2)}\n`);
process.stdout.write(`→ ${join(out, 'bench-console.json')}\n`);
