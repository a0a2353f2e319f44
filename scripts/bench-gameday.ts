/**
 * What a variant of the game day costs the experiment: the scripted quick game day N times as
 * each variant, interleaved, with the same seed — `plain`, `console` (`--console` with one
 * headless chromium watching it) and `monitoring` (`--monitoring prometheus`) — printing each
 * arm's figures per run and the spread within each variant, the wall time and the lab's start-up
 * and alert-wait steps, the browser's event → page delay, and writing bench-gameday.json.
 *
 *   npx tsx scripts/bench-gameday.ts [--variants plain,console] [--repeat 3] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { ComparisonSchema, type Comparison } from '../chaos/campaigns/gameday/comparison.ts';
import { PROJECT_ROOT } from '../core/paths.ts';

declare const window: { __console: { state: { latencies: number[] } } };

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const repeat = Number(arg('--repeat', '3'));
const VARIANTS = { plain: [], console: ['--console', '--port', '0'], monitoring: ['--monitoring', 'prometheus'] } as const;
type Variant = keyof typeof VARIANTS;
const variants = arg('--variants', 'plain,console').split(',') as Variant[];
for (const v of variants) if (!(v in VARIANTS)) throw new Error(`--variants: ${v} is not one of ${Object.keys(VARIANTS).join(', ')}`);
const out = arg('--out', join(PROJECT_ROOT, 'reports', `bench-gameday-${new Date().toISOString().replace(/[:.]/g, '-')}`));
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
mkdirSync(out, { recursive: true });

interface Run {
  readonly variant: Variant;
  readonly wallMs: number;
  readonly comparison: Comparison;
  /** Per arm: the lab's start and (with monitoring) the wait for alerts to resolve, ms. */
  readonly steps: Record<string, { startLabMs: number; alertsQuietMs: number }>;
  readonly delays?: { median: number; p99: number; n: number };
}

/** Step durations from an arm's summary.json. */
function steps(dir: string, c: Comparison): Run['steps'] {
  const out: Run['steps'] = {};
  for (const a of c.arms) {
    const s = JSON.parse(readFileSync(join(dir, a.runDir, 'summary.json'), 'utf8')) as { steps: { name: string; startMs: number; endMs: number | null }[] };
    const took = (n: string) => s.steps.filter((x) => x.name === n).reduce((t, x) => t + ((x.endMs ?? x.startMs) - x.startMs), 0);
    out[a.name] = { startLabMs: took('start-lab'), alertsQuietMs: took('alerts-quiet') };
  }
  return out;
}

async function gameday(i: number, variant: Variant): Promise<Run> {
  const dir = join(out, `${variant}-${i}`);
  const withConsole = variant === 'console';
  const started = Date.now();
  const child = execa(process.execPath, [BIN, 'gameday', '--quick', '--no-progress', '--out', dir, ...VARIANTS[variant]], { reject: false });
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
  const comparison = ComparisonSchema.parse(JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')));
  return { variant, wallMs: Date.now() - started, comparison, steps: steps(dir, comparison), ...(delays ? { delays } : {}) };
}

const runs: Run[] = [];
for (let i = 1; i <= repeat; i++) {
  for (const v of variants) {
    process.stderr.write(`[bench-gameday] run ${i}/${repeat}: ${v}…\n`);
    runs.push(await gameday(i, v));
  }
}
const FIGS = ['ttrMs', 'ratioToBound', 'amplification', 'customerErrorSeconds'] as const;
const of = (v: Variant) => runs.filter((r) => r.variant === v);
const spread = (xs: readonly (number | null)[]) => `${xs.join(', ')} (${Math.min(...(xs as number[]))}–${Math.max(...(xs as number[]))})`;
const lines: string[] = [];
for (const arm of runs[0]!.comparison.arms.map((a) => a.name)) {
  for (const f of FIGS) lines.push(`${arm.padEnd(12)} ${f.padEnd(22)} ${variants.map((v) => `${v}: ${spread(of(v).map((r) => r.comparison.arms.find((a) => a.name === arm)![f]))}`).join('   ')}`);
}
for (const v of variants) {
  const sum = (k: 'startLabMs' | 'alertsQuietMs') => of(v).map((r) => Object.values(r.steps).reduce((t, x) => t + x[k], 0));
  lines.push(`${v}: wall ${spread(of(v).map((r) => Math.round(r.wallMs / 1000)))} s; lab start-up over the arms ${spread(sum('startLabMs'))} ms; waiting for alerts to resolve ${spread(sum('alertsQuietMs'))} ms`);
}
const delays = runs.flatMap((r) => (r.delays ? [r.delays] : []));
if (delays.length) lines.push(`event → browser delay: median ${delays.map((d) => d.median).join(', ')} ms; p99 ${delays.map((d) => d.p99).join(', ')} ms (messages ${delays.map((d) => d.n).join(', ')})`);
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(join(out, 'bench-gameday.json'), `${JSON.stringify({ repeat, variants, runs: runs.map((r) => ({ variant: r.variant, wallMs: r.wallMs, steps: r.steps, delays: r.delays, arms: r.comparison.arms.map((a) => ({ name: a.name, ...Object.fromEntries(FIGS.map((f) => [f, a[f]])), metastable: a.metastable, recoveredBy: a.recoveredBy, checks: a.checks })) })) }, null, 2)}\n`);
process.stdout.write(`→ ${join(out, 'bench-gameday.json')}\n`);
