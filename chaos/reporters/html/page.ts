/**
 * report.html: one self-contained page (no external scripts, fonts or requests — uPlot, its CSS
 * and the data are inlined) with the comparison, time-series charts of every arm overlaid (fault
 * windows shaded, scripted operator actions and milestones marked), the blast-radius maps, and
 * each arm's causes, error budget and fidelity.
 */
import { readFileSync } from 'node:fs';
import { browserScript } from './browser-bundle.ts';
import type { ChartDef, ReportData } from './report-data.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gamedayVerdict } from '../markdown.ts';
import type { GamedayReport } from '../reporter.ts';
import { COMPARISON_HEADER, comparisonCells, ms, pct, secs } from '../format.ts';
import { ALERTS_HEADER, alertRows } from '../alerts-table.ts';
import { blastMapSvg } from './blast-map.ts';
import { armSeries, type ArmSeries } from './series.ts';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
// One colour per arm, distinct for up to ten arms (the full game day with every SDK arm has nine).
const COLORS = ['#1565c0', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#ef6c00', '#ad1457', '#5d4037', '#9e9d24', '#455a64'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON inside <script>: "</script>" and friends cannot end the element early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

function table(header: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}


function charts(arms: readonly ArmSeries[]): ChartDef[] {
  const per = (key: keyof ArmSeries & ('customerErrorRate' | 'validLeases' | 'backlog' | 'nlbHealthy')) =>
    arms.map((a, i) => ({ arm: i, label: a.name, points: a[key] }));
  const canaryClasses = [...new Set(arms.flatMap((a) => Object.keys(a.canary)))];
  const dashFor = (cls: string): number[] | undefined => (cls === 'ok' ? undefined : cls === 'empty' ? [6, 3] : [2, 2]);
  return [
    { id: 'chart-canary', title: 'DNS canary answers per second, by class', unit: 'answers/s', series: arms.flatMap((a, i) => canaryClasses.filter((c) => a.canary[c]).map((c) => ({ arm: i, label: `${a.name}: ${c}`, points: a.canary[c]!, dash: dashFor(c) }))) },
    { id: 'chart-errors', title: 'Customer error rate (DynamoDB customers)', unit: '% failed', series: per('customerErrorRate') },
    {
      id: 'chart-load',
      title: 'Leases table: offered load vs goodput (served in time) vs wasted work',
      unit: 'items/s',
      series: arms.flatMap((a, i) => [
        { arm: i, label: `${a.name}: offered`, points: a.offered, dash: [2, 2], width: 1 },
        { arm: i, label: `${a.name}: goodput`, points: a.goodput, width: 2 },
        { arm: i, label: `${a.name}: wasted`, points: a.wasted, dash: [8, 4] },
      ]),
    },
    { id: 'chart-leases', title: 'Valid DWFM leases', unit: 'leases', series: per('validLeases') },
    { id: 'chart-backlog', title: 'Network Manager backlog', unit: 'changes', series: per('backlog') },
    { id: 'chart-nlb', title: 'NLB healthy targets', unit: 'targets', series: per('nlbHealthy') },
    ...(arms.some((a) => Object.keys(a.services).length)
      ? [{ id: 'chart-services', title: "Your services: good requests (2xx within the SLO's latency)", unit: '% good', series: arms.flatMap((a, i) => Object.entries(a.services).map(([svc, points], j) => ({ arm: i, label: `${a.name}: ${svc}`, points, ...(j > 0 ? { dash: [4 + 2 * j, 3] } : {}) }))) }]
      : []),
  ];
}

export function renderHtml(g: GamedayReport): string {
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const client = browserScript(join(here, 'client', 'main.ts'));
  const arms = g.runs.map(armSeries);
  const defs = charts(arms);
  const c = g.comparison;
  const verdict = gamedayVerdict(g);
  const cmp = table(
    COMPARISON_HEADER,
    c.arms.map((a, i) => {
      const [name, must, verdictText, meta, ...rest] = comparisonCells(a);
      return [`<span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span><b>${esc(name!)}</b>`, must!, `<span class="${a.verdict}">${verdictText}</span>`, a.metastable ? `<b>${meta}</b>` : meta!, ...rest.map((x) => esc(x))];
    }),
    'comparison',
  );
  const gate = g.gate
    ? `<h2>Regression gate — <span class="${g.gate.pass ? 'pass' : 'fail'}">${g.gate.pass ? 'PASS' : 'FAIL'}</span></h2><p>baseline: ${esc(g.gate.baselineFile)}</p><ul>${g.gate.findings
        .map((f) => `<li class="${f.regressed ? 'fail' : ''}">${f.regressed ? 'REGRESSED ' : 'ok '}${esc(f.detail)}</li>`)
        .join('')}${g.gate.notes.map((n) => `<li>note: ${esc(n)}</li>`).join('')}</ul>`
    : '';
  const chartHtml = defs.map((d) => `<section class="chart"><h3>${esc(d.title)}</h3><div id="${d.id}" class="plot" data-series="${d.series.length}"></div></section>`).join('');
  const perArm = g.runs
    .map((run, i) => {
      const s = run.summary;
      const st = s.story;
      const b = st.errorBudget;
      return `<section class="arm"><h2><span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span>Arm ${esc(run.name)} — <span class="${s.verdict}">${s.verdict.toUpperCase()}</span></h2>
<p>${esc(g.arms[i]!.description)}</p>
${table(['check', 'result', 'detail'], s.checks.map((ch) => [esc(ch.name), `<span class="${ch.status}">${ch.status.toUpperCase()}</span>`, esc(ch.detail)]))}
${(() => {
  const rows = alertRows(s);
  return rows ? `<h3>Time to alert (monitoring)</h3>${table(ALERTS_HEADER, rows.map((r) => r.map(esc)))}` : '';
})()}
<h3>Blast radius (lesson 04)</h3>${blastMapSvg(st.blastRadius, `${run.name}: what failed because of what`)}
${table(['component', 'impaired', 'what', 'because of', 'origin'], st.blastRadius.impaired.map((x) => [esc(x.component), `${secs(x.fromMs)} – ${secs(x.toMs)}`, esc(x.what), esc(x.causes.join(', ')), x.origin]))}
<h3>Contributing causes (lesson 05)</h3>
${table(['t', 'origin', 'what'], st.causes.map((x) => [secs(x.atMs), `<span class="${x.origin}">${x.origin}</span>`, esc(x.what)]))}
<h3>Error budget (lesson 06)</h3>
${b ? `<p>One run second stands for ${b.minutesPerRunSecond} incident minutes (the trigger lasted ${secs(b.triggerMs)} here, 157 min in the incident). Outage ${secs(b.outageMs)}${b.recovered ? '' : ' (not recovered within the run)'} ≈ <b>${(b.incidentMinutes / 60).toFixed(1)} h</b> at the incident's scale.</p>${table(['SLA', 'yearly budget', 'outage would consume', 'error-seconds would consume'], b.tiers.map((t) => [pct(t.sla, t.sla >= 0.9999 ? 2 : 1), `${Math.round(t.budgetMinutes)} min`, pct(t.outageShare, 0), pct(t.errorShare, 0)]))}` : '<p>No trigger in this run.</p>'}
<h3>Fidelity to the real timeline</h3>
${table(['stage', 'run', 'share of run', 'incident', 'share of 14 h'], st.fidelity.map((f) => [esc(f.stage), ms(f.runMs), pct(f.runShare, 0), `${Math.floor(f.incidentMin / 60)} h ${f.incidentMin % 60} min`, pct(f.incidentShare, 0)]))}
<p>Milestones: ${s.recovery.milestones.map((m) => `${esc(m.name)} ${(m.atMs / 1000).toFixed(1)} s`).join(' → ') || '—'}</p>
<p>Run folder: ${esc(c.arms[i]!.runDir)}/</p></section>`;
    })
    .join('');
  const data: ReportData = { colors: COLORS, arms: arms.map((a) => ({ name: a.name, faults: a.faults, marks: a.marks })), charts: defs };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(g.title ?? `Game day ${g.scenario} — ${verdict.toUpperCase()}`)}</title>
<style>${uplotCss}
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f5f5f5}
.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.skipped{color:#777}.scripted{color:#ef6c00;font-weight:600}.emergent{color:#6a1b9a}.human{color:#00838f;font-weight:600}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:middle}
.chart{margin:12px 0 24px}.plot{width:100%}.legend-note{font-size:13px;color:#555}
.blast-map{max-width:1100px;border:1px solid #eee;margin:8px 0}
${(g.sections ?? []).map((sec) => sec.css ?? '').join('\n')}
</style></head>
<body>
<h1>${g.title ? esc(g.title) : `Game day: ${esc(g.scenario)} — <span class="${verdict}">${verdict.toUpperCase()}</span>`}</h1>
<p>${g.quick ? 'quick' : 'full'} · seed ${g.seed} · ${c.leases.toLocaleString('en-US')} leases at C = ${c.capacityPerSec.toLocaleString('en-US')} ops/s → capacity bound M / C = ${ms(c.capacityBoundMs)} · ${secs(g.durationMs)} · ${esc(g.startedAt)}</p>
${(g.sections ?? []).map((sec) => sec.html).join('\n')}
<h2>Comparison</h2>${cmp}
<p class="legend-note">Time to recover: trigger gone (DNS restored) → every customer SLO ≥ 99 % from then on. An operator action — scripted or by a person — is never counted as the system recovering.</p>
${gate}
<h2>Time series</h2>
<p class="legend-note">Arms overlaid (colours as in the table), x = seconds since DynamoDB was reachable again in each arm (the DNS record restored), so recoveries line up. Shaded: fault windows (the Enactor's latency lasts the whole run). Orange dashed lines: scripted operator actions; teal dashed lines: what people did (a played game). Dotted lines: milestones.</p>
${chartHtml}
${perArm}
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${client}</script>
</body></html>
`;
}
