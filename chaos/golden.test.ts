/**
 * A recorded quick game day (testdata/gameday-quick: naive, full-jitter and best on us-east-1
 * --quick, seed 1, recorded 2026-12-06 with the closed-loop trigger) taken through the whole
 * back half of the pipeline by this checkout's code, with no lab: analysis → checks → story →
 * every reporter, as Jepsen tests its checkers on stored histories. The stored comparison.json is
 * what the run's own analysis said; analysing the same histories again must say the same.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { PROJECT_ROOT } from '../core/paths.ts';
import { ComparisonSchema, type Comparison } from './campaigns/gameday/comparison.ts';
import { reanalyse } from './campaigns/report.ts';
import { CheckSpecSchema, evaluateChecks } from './checks/index.ts';
import { assertTriggered } from './history/premise.ts';
import { FILE_REPORTERS } from './reporters/index.ts';
import type { GamedayReport } from './reporters/reporter.ts';

const GOLDEN = join(PROJECT_ROOT, 'testdata', 'gameday-quick');
const dir = mkdtempSync(join(tmpdir(), 'golden-'));
const recorded = ComparisonSchema.parse(JSON.parse(readFileSync(join(GOLDEN, 'comparison.json'), 'utf8')));
let report: GamedayReport;
let files: string[];

beforeAll(async () => {
  cpSync(GOLDEN, dir, { recursive: true });
  const r = await reanalyse(dir, FILE_REPORTERS);
  report = r.gameday!;
  files = r.files;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (arm: string) => report.runs.find((r) => r.name === arm)!;
const FIGURES = ['verdict', 'metastable', 'recoveredBy', 'collapseMs', 'collapsedBeforeRescueMs', 'ttrMs', 'reestablishMs', 'ratioToBound', 'amplification', 'customerErrorSeconds', 'wastedShare'] as const;

describe('a recorded quick game day, analysed again (no lab)', () => {
  it('analysis: the premise held in every arm, and every figure of the recorded comparison comes out the same', () => {
    for (const r of report.runs) assertTriggered(r.events, `arm ${r.name}`);
    expect(report.comparison.arms.map((a) => a.name)).toEqual(['naive', 'full-jitter', 'best']);
    for (const a of recorded.arms) {
      const again = report.comparison.arms.find((x) => x.name === a.name)!;
      for (const f of FIGURES) expect(again[f], `${a.name}.${f}`).toEqual(a[f]);
    }
    const naive = report.comparison.arms[0]!;
    expect(naive).toMatchObject({ metastable: true, recoveredBy: 'throttle' });
    expect(naive.ratioToBound!).toBeGreaterThan(5);
    expect(report.comparison.arms.slice(1).every((a) => a.recoveredBy === 'self' && !a.metastable)).toBe(true);
  });

  it("checks: every arm's checks pass as recorded, and the same history fails a check that does not hold for it", () => {
    for (const a of recorded.arms) expect(run(a.name).summary.checks.map((c) => `${c.name}:${c.status}`), a.name).toEqual(a.checks.map((c) => `${c.name}:${c.status}`));
    const naive = run('naive');
    const [notMetastable] = evaluateChecks([CheckSpecSchema.parse('not-metastable')], { events: naive.events, model: naive.summary.config.model, figures: naive.summary });
    expect(notMetastable).toMatchObject({ name: 'not-metastable', status: 'fail' });
    expect(notMetastable!.detail).toMatch(/collapsed|metastable/);
  });

  it('story: causes apart (scripted, emergent), the blast radius names who emptied the record, budget and fidelity from the history', () => {
    const story = run('naive').summary.story;
    const scripted = story.causes.filter((c) => c.origin === 'scripted').map((c) => c.what);
    expect(scripted[0]).toMatch(/^fault enactor1-slow injected: held-apply on enactor1-route53 \(500 ms\)/);
    expect(scripted.some((w) => /closed loop\) let enactor1's apply of plan \d+ through/.test(w))).toBe(true);
    expect(scripted.some((w) => w.startsWith('runbook: throttle-dwfm'))).toBe(true);
    const emergent = story.causes.filter((c) => c.origin === 'emergent').map((c) => c.what);
    expect(emergent[0]).toMatch(/^Route 53 committed an EMPTY regional record: enactor1 applied plan \d+, already deleted by cleanup/);
    expect(emergent.some((w) => w.startsWith('DWFM in congestive collapse'))).toBe(true);
    const route53 = story.blastRadius.impaired.find((i) => i.component === 'route53')!;
    expect(route53).toMatchObject({ origin: 'emergent', causes: ['enactor1'] });
    expect(story.blastRadius.impaired.find((i) => i.component === 'enactor1')).toMatchObject({ origin: 'scripted' });
    expect(story.errorBudget!.minutesPerRunSecond).toBeGreaterThan(1);
    expect(story.fidelity.map((f) => f.stage)).toHaveLength(4);
  });

  it('reporters: markdown, html, json and junit from the histories alone', async () => {
    for (const f of ['report.md', 'report.html', 'comparison.json', 'junit.xml']) expect(files.map((x) => x.replace(`${dir}/`, '')), f).toContain(f);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md.indexOf('## Comparison')).toBeLessThan(md.indexOf('## Arm '));
    expect(md).toMatch(/\*\*naive\*\* did not recover by itself: it had been collapsed for \d+\.\d s/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html.match(/<svg class="blast-map"/g)).toHaveLength(3);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const again: Comparison = ComparisonSchema.parse(JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')));
    expect(again.arms.map((a) => a.recoveredBy)).toEqual(['throttle', 'self', 'self']);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    const schema = readFileSync(join(PROJECT_ROOT, 'chaos', 'reporters', 'junit.xsd'), 'utf8');
    const v = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
    expect(v.errors).toEqual([]);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(again.arms.reduce((n, a) => n + a.checks.length, 0));
  });
});
