/**
 * junit.xml: one <testsuite> per arm with one <testcase> per check (failure / skipped as JUnit
 * has them), and one for the regression gate, so any CI service shows what failed and why.
 * It validates against chaos/reporters/junit.xsd (a test checks it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../checks/index.ts';
import type { GamedayReport, Reporter, RunResult } from './reporter.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Case {
  readonly name: string;
  readonly status: CheckResult['status'];
  readonly detail: string;
}

function suite(name: string, classname: string, cases: readonly Case[], timeS: number, timestamp: string): string {
  const failures = cases.filter((c) => c.status === 'fail').length;
  const skipped = cases.filter((c) => c.status === 'skipped').length;
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${xml(classname)}" name="${xml(c.name)}" time="0"`;
      if (c.status === 'pass') return `${open}>\n      <system-out>${xml(c.detail)}</system-out>\n    </testcase>`;
      if (c.status === 'skipped') return `${open}>\n      <skipped message="${xml(c.detail)}"/>\n    </testcase>`;
      return `${open}>\n      <failure message="${xml(c.detail)}" type="check">${xml(c.detail)}</failure>\n    </testcase>`;
    })
    .join('\n');
  return `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${timeS.toFixed(3)}" timestamp="${timestamp.replace(/\.\d+Z$/, '')}" hostname="localhost">\n${body}\n  </testsuite>`;
}

function runSuite(scenario: string, run: RunResult): string {
  const s = run.summary;
  const cases: Case[] = s.checks.map((c) => ({ name: c.name, status: c.status, detail: c.detail }));
  if (s.status !== 'completed') cases.push({ name: 'run-completed', status: 'fail', detail: `the run ended ${s.status}: ${s.steps.find((x) => x.status === 'failed')?.error ?? 'see report.md'}` });
  return suite(run.name, `outage-lab.${scenario}.${run.name}`, cases, s.durationMs / 1000, s.startedAt);
}

export function renderJunit(title: string, suites: readonly string[]): string {
  const count = (attr: string) => suites.reduce((a, s) => a + Number(new RegExp(`^  <testsuite [^>]*${attr}="(\\d+)"`).exec(s)?.[1] ?? 0), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(title)}" tests="${count('tests')}" failures="${count('failures')}" errors="0" skipped="${count('skipped')}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function gamedayJunit(g: GamedayReport): string {
  const suites = g.runs.map((r) => runSuite(g.scenario, r));
  if (g.gate) {
    const cases: Case[] = g.gate.findings.map((f) => ({ name: `${f.arm} ${f.figure}`, status: f.regressed ? 'fail' : 'pass', detail: f.detail }));
    if (cases.length === 0) cases.push({ name: 'comparable arms', status: 'fail', detail: `no arm of the baseline could be compared: ${g.gate.notes.join('; ')}` });
    suites.push(suite('regression-gate', `outage-lab.${g.scenario}.gate`, cases, 0, g.startedAt));
  }
  return renderJunit(`outage-lab gameday ${g.scenario}`, suites);
}

export const junitReporter: Reporter = {
  name: 'junit',
  description: 'junit.xml: a test suite per arm, a test case per check (and the regression gate)',
  onRunFinished(run) {
    const f = join(run.outDir, 'junit.xml');
    writeFileSync(f, renderJunit(`outage-lab run ${run.summary.scenario}`, [runSuite(run.summary.scenario, run)]));
    return [f];
  },
  onGamedayFinished(g) {
    const f = join(g.outDir, 'junit.xml');
    writeFileSync(f, gamedayJunit(g));
    return [f];
  },
};
