/**
 * The game day on the real lab: `gameday --quick` under a pseudo-terminal (live display redrawn
 * in place), its files, the HTML report in headless Chromium, the JUnit file against the schema,
 * the comparison's story, the regression gate, plain progress lines without a terminal, and
 * Ctrl-C leaving nothing behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { PROJECT_ROOT } from '../../../core/paths.ts';
import { livingProcessesMatching } from '../../../lab/proc-scan.ts';
import { runFolderKeptOnFailure, testSettings } from '../../../lab/testing.ts';
import { readHistory } from '../../history/history.ts';
import { assertTriggered } from '../../history/premise.ts';
import { ComparisonSchema, type Comparison } from './comparison.ts';

const SLOT = 208;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const { env, home } = testSettings(SLOT);
const root = runFolderKeptOnFailure('gameday-');
const out = join(root, 'quick');
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const CHROMIUM = process.env.OUTAGE_LAB_CHROMIUM ?? '/usr/bin/chromium';

let comparison: Comparison;
let ptyOutput = '';
let wallMs = 0;


describe('outage-lab gameday --quick (real lab)', { timeout: 300_000 }, () => {
  it('runs naive, full-jitter and best under 3 minutes with a live display redrawn in place, and writes every report', async () => {
    const cmd = [process.execPath, BIN, 'gameday', '--quick', '--out', out].map(shellQuote).join(' ');
    const started = performance.now();
    // `script` gives the command a pseudo-terminal, as an SRE's terminal would.
    const r = await execa('script', ['-qfec', cmd, '/dev/null'], { env: { ...env, COLUMNS: '120', LINES: '40' }, reject: false, timeout: 280_000 });
    wallMs = performance.now() - started;
    ptyOutput = r.stdout;
    for (const arm of ['naive', 'full-jitter', 'best']) assertTriggered(readHistory(join(out, 'arms', arm, 'timeline.ndjson')), `arm ${arm}`);
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(0);
    expect(wallMs).toBeLessThan(180_000);
    for (const f of ['report.html', 'report.md', 'comparison.json', 'junit.xml']) expect(existsSync(join(out, f)), f).toBe(true);
    for (const arm of ['naive', 'full-jitter', 'best']) {
      for (const f of ['summary.json', 'report.md', 'timeline.ndjson']) expect(existsSync(join(out, 'arms', arm, f)), `${arm}/${f}`).toBe(true);
    }
    // In place: log-update erases the previous status block (erase line + cursor up) before each redraw.
    expect(ptyOutput).toMatch(/\u001b\[2K/);
    expect(ptyOutput).toMatch(/\u001b\[1A/);
    expect(ptyOutput.match(/valid leases/g)!.length).toBeGreaterThan(20);
    expect(ptyOutput).not.toContain('[progress]');
    comparison = ComparisonSchema.parse(JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')));
  });

  it('shows the naive arm collapsed until the scripted throttle, and the others recovering by themselves near the bound', () => {
    const arm = (n: string) => comparison.arms.find((a) => a.name === n)!;
    expect(comparison.capacityBoundMs).toBe(2500);
    const naive = arm('naive');
    expect(naive).toMatchObject({ metastable: true, recoveredBy: 'throttle', verdict: 'pass' });
    expect(naive.collapsedBeforeRescueMs!).toBeGreaterThan(5 * comparison.capacityBoundMs);
    for (const n of ['full-jitter', 'best']) {
      const a = arm(n);
      expect(a, n).toMatchObject({ metastable: false, recoveredBy: 'self', verdict: 'pass' });
      expect(a.ttrMs!, n).toBeLessThan(naive.ttrMs!);
      expect(a.ratioToBound!, n).toBeLessThan(naive.ratioToBound!);
    }
    expect(arm('best').ratioToBound!).toBeLessThan(1.6);
    for (const a of comparison.arms) expect(a.checks.find((c) => c.name === 'milestones-in-order')?.status, a.name).toBe('pass');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.indexOf('## Comparison')).toBeLessThan(md.indexOf('## Arm '));
    expect(md).toMatch(/\*\*naive\*\* did not recover by itself: it had been collapsed for \d+\.\d s/);
    expect(md).toContain('| scripted | runbook: throttle-dwfm');
  });

  it('report: the stored histories analysed again give the same comparison (the history is the only input)', async () => {
    const r = await execa(process.execPath, [BIN, 'report', out], { env, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const again = ComparisonSchema.parse(JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')));
    expect(again.arms).toEqual(comparison.arms);
  });

  it('writes junit.xml that validates against the JUnit schema, one test case per check per arm', async () => {
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    const schema = readFileSync(join(PROJECT_ROOT, 'chaos', 'reporters', 'junit.xsd'), 'utf8');
    const v = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
    expect(v.errors, JSON.stringify(v.errors)).toEqual([]);
    expect(v.valid).toBe(true);
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(3);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(comparison.arms.reduce((a, x) => a + x.checks.length, 0));
    // The schema is not a rubber stamp: a test case without its required name fails it.
    const broken = await validateXML({ xml: [{ fileName: 'bad.xml', contents: xml.replace(/<testcase classname="[^"]*" name="[^"]*"/, '<testcase classname="x"') }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
    expect(broken.valid).toBe(false);
  });

  it('opens report.html in headless Chromium: every chart drew data, no console error, nothing requested beyond file://', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(`file://${join(out, 'report.html')}`);
      await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 15_000 });
      const charts = await page.$$eval('.plot', (els) =>
        els.map((el) => {
          const canvas = el.querySelector('canvas');
          let inked = 0;
          if (canvas) {
            const ctx = canvas.getContext('2d')!;
            const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200)) inked++;
          }
          return { id: el.id, points: Number(el.getAttribute('data-points')), drawn: el.getAttribute('data-drawn'), inked };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(['chart-canary', 'chart-errors', 'chart-load', 'chart-leases', 'chart-backlog', 'chart-nlb']);
      for (const c of charts) {
        expect(c.points, c.id).toBeGreaterThan(20);
        expect(c.drawn, c.id).toBe('true');
        expect(c.inked, c.id).toBeGreaterThan(500);
      }
      expect(await page.locator('svg.blast-map').count()).toBe(3);
      expect(await page.locator('svg.blast-map g.node[data-state="scripted"]').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
      expect(existsSync(join(out, 'report.png'))).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('the gate passes against itself and fails a deliberately worse configuration, naming the figure; plain progress lines without a terminal', async () => {
    const self = await execa(process.execPath, [BIN, 'gate', join(out, 'comparison.json'), '--baseline', join(out, 'comparison.json')], { env, reject: false });
    expect(self.exitCode, self.stdout + self.stderr).toBe(0);
    expect(self.stdout).toContain('regression gate: PASS');

    const worse = join(root, 'worse');
    // At most 4 batches in flight instead of 40: a tenth of the table's capacity used.
    const r = await execa(process.execPath, [BIN, 'gameday', '--quick', '--arms', 'best', '--set', 'dwfm.concurrency=4', '--baseline', join(out, 'comparison.json'), '--out', worse], {
      env,
      reject: false,
      timeout: 150_000,
    });
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(1);
    // Customers recover as soon as some droplets have leases; re-establishing them all does not.
    expect(r.stdout).toMatch(/REGRESSED best: ratioToBound [\d.]+ × bound > [\d.]+ \(baseline [\d.]+ \+ 25 % \+ 0.3\)/);
    const junit = readFileSync(join(worse, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="regression-gate" tests="\d+" failures="[1-9]/);
    // No terminal: the live status is a plain line every few seconds, no escape codes.
    expect(r.stderr).toMatch(/\[progress\] arm 1\/1 best: faults/);
    expect(r.stderr).not.toMatch(/\u001b\[/);
    const gate = JSON.parse(readFileSync(join(worse, 'gate.json'), 'utf8'));
    expect(gate.pass).toBe(false);
  });

  it('rejects bad input in one line with exit 2, starting nothing', async () => {
    const bad = await execa(process.execPath, [BIN, 'gameday', '--quick', '--arms', 'naive,bogus'], { env, reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('"bogus" is not an arm; arms are naive, full-jitter, best, naive-no-throttle');
    const base = await execa(process.execPath, [BIN, 'gameday', '--quick', '--baseline', join(root, 'nope.json')], { env, reject: false });
    expect(base.exitCode).toBe(2);
    expect(base.stderr).toContain('does not exist');
    const rep = await execa(process.execPath, [BIN, 'gameday', '--report', 'md,pdf'], { env, reject: false });
    expect(rep.exitCode).toBe(2);
    expect(rep.stderr).toContain('"pdf" is not a reporter; reporters are md, html, json, junit');
    expect(livingProcessesMatching([`127.${SLOT}.`, home])).toEqual([]);
  });

  it('Ctrl-C stops the game day with exit 130 and leaves nothing running', async () => {
    const child = execa(process.execPath, [BIN, 'gameday', '--quick', '--arms', 'best', '--out', join(root, 'interrupted')], { env, reject: false });
    await new Promise((r) => setTimeout(r, 9000));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(130);
    await new Promise((res) => setTimeout(res, 1500));
    expect(livingProcessesMatching([`127.${SLOT}.`, home])).toEqual([]);
  });
});
