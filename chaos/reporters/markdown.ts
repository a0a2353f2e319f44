/**
 * report.md: a run's report (readable in a terminal and a pull request), and a game day's, with
 * the comparison table first.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../run/journal.ts';
import { COMPARISON_HEADER, comparisonCells, mdTable, ms, num, pct, secs, statusWord } from './format.ts';
import type { GamedayReport, Reporter } from './reporter.ts';
import { alertsMarkdown } from './alerts-table.ts';
import { storyMarkdown } from './story-md.ts';
import type { ServiceFigures } from '../../user-services/analysis.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per second, scaled to `max`: a blank for zero. */
export function sparkline(values: readonly number[], max: number): string {
  return values.map((v) => (v <= 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))]!)).join('');
}

export function renderRunReport(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(`# ${s.scenario} — ${s.verdict.toUpperCase()} (${s.status})`, '');
  lines.push(`seed ${s.seed} · ${s.runtime} runtime · safeguards ${s.config.model.safeguards} · ${s.config.model.endpoints} endpoints · plan every ${s.config.model.planIntervalMs} ms · cleanup keeps ${s.config.model.cleanupKeepGenerations} generations · ${Math.round(s.durationMs / 1000)} s · ${s.startedAt}`, '');
  lines.push('## Checks', '');
  for (const ch of s.checks) lines.push(`- ${statusWord(ch.status)} ${ch.name}: ${ch.detail}`);
  if (!s.checks.length) lines.push('- none');
  lines.push('', '## DNS', '');
  lines.push(...mdTable(['milestone', 't'], [
    ['empty record committed by route53', s.dns.emptyRecordPublished ? ms(s.dns.emptyAtMs) : 'never'],
    [`canary saw it (detection ${ms(s.dns.detectionMs)})`, ms(s.dns.detectedAtMs)],
    ['record restored', ms(s.dns.restoredAtMs)],
  ]), '');
  const c = s.dns.canary;
  lines.push(`canary answers: ok ${c.ok}, empty ${c.empty}, nxdomain ${c.nxdomain}, servfail ${c.servfail}, timeout ${c.timeout}, refused ${c.refused}${c.error ? `, other ${c.error}` : ''}`, '');
  lines.push('## Customers', '');
  lines.push(...mdTable(['window', 'requests', 'error rate'], [
    ['before faults', String(s.customers.beforeFaults.sent), pct(s.customers.beforeFaults.errorRate)],
    ['while the record was empty', String(s.customers.whileEmpty.sent), pct(s.customers.whileEmpty.errorRate)],
    ['after restore', String(s.customers.afterRestore.sent), pct(s.customers.afterRestore.errorRate)],
  ]), '');
  lines.push(`writes: ${s.writes.acknowledged} acknowledged, ${s.writes.lost} lost · customer error-seconds ${s.customerErrorSeconds}`, '');
  lines.push('## Enactors', '');
  lines.push(`applies refused for the inconsistent state while empty: ${s.enactors.appliesFailedWhileEmpty} · stale applies rejected by fencing: ${s.enactors.staleAppliesRejected} · cleanup refusals (active/leased plan): ${s.enactors.cleanupRefusals}`, '');
  if (s.leases.needed > 0) lines.push(...recoverySection(s));
  for (const svc of s.services ?? []) lines.push(...serviceSection(svc));
  lines.push(...alertsMarkdown(s));
  lines.push(...storyMarkdown(s.story));
  lines.push('## Steps', '', ...mdTable(['step', 'start', 'end', 'status'], s.steps.map((st) => [st.name, ms(st.startMs), ms(st.endMs), `${st.status}${st.error ? `: ${st.error}` : ''}`])));
  lines.push('', `History: timeline.ndjson · summary: summary.json · lab logs: lab/logs/`);
  return `${lines.join('\n')}\n`;
}

/** A user's service: its phases, time to recover, amplification and the first error it showed. */
export function serviceSection(svc: ServiceFigures): string[] {
  const retry = Object.entries(svc.retry).map(([k, v]) => `${k}=${v}`).join(' ') || "the SDK's defaults";
  const out = [`## Your service: ${svc.name}`, ''];
  out.push(`${svc.language} · ${svc.sdk.name} ${svc.sdk.version} · retries: ${retry} · verdict **${svc.verdict}**`, '');
  out.push(
    ...mdTable(
      ['phase', 'from', 'to', 'requests', 'ok', 'good (SLO)', 'p99 (worst second)', 'DynamoDB calls / request'],
      svc.phases.map((p) => [p.name, ms(p.fromMs), ms(p.toMs), String(p.requests), pct(p.requests ? p.ok / p.requests : null), pct(p.requests ? p.good / p.requests : null), ms(p.p99Ms), p.dynamodbCallsPerRequest === null ? '—' : num(p.dynamodbCallsPerRequest)]),
    ),
    '',
  );
  const ttr = svc.ttrMs === null ? (svc.metastable ? 'never (metastable: it stayed down after DNS came back)' : '—') : `${(svc.ttrMs / 1000).toFixed(1)} s after DNS came back (bound ${(svc.recoverWithinMs / 1000).toFixed(0)} s)`;
  out.push(`time to recover: ${ttr}`, '');
  // Older summaries have no prediction field.
  if (svc.prediction) out.push(`predicted from its retry settings and its steady load (${svc.prediction.table}): ${svc.prediction.detail}`, '');
  // Older summaries have no afterRestore field.
  const a = svc.afterRestore;
  if (a && a.callsPerSecond.length) {
    out.push(`After DNS came back: its first DynamoDB call arrived ${a.firstCallMs === null ? 'never' : `within ${ms(a.firstCallMs)}`} (scraped each second); per second from the restoration${a.table ? ` (${a.table}: capacity ${a.capacityPerSec === null ? '—' : Math.round(a.capacityPerSec)} units/s)` : ''}:`, '', '```');
    const rows: [string, readonly number[] | undefined][] = [['calls', a.callsPerSecond], ['units', a.unitsPerSecond], ['throttled', a.throttledPerSecond]];
    for (let from = 0; from < a.callsPerSecond.length; from += 20) {
      out.push(`s ${String(from).padStart(2)}–${String(Math.min(from + 20, a.callsPerSecond.length)).padEnd(2)}`);
      for (const [name, xs] of rows) if (xs?.length && xs.some((x) => x > 0)) out.push(`${name.padEnd(10)}${xs.slice(from, from + 20).map((x) => String(x).padStart(5)).join('')}`);
    }
    out.push('```', '');
  }
  if (svc.firstError) out.push(`first error while the record was empty (${svc.firstError.request}, ${svc.firstError.status ?? 'no answer'}, at ${ms(svc.firstError.atMs)}):`, '', '```', svc.firstError.error, '```', '');
  return out;
}

function recoverySection(s: RunSummary): string[] {
  const h = s.herd;
  const l = s.leases;
  const ratio = l.reestablishMs === null ? '—' : `${(l.reestablishMs / s.capacityBoundMs).toFixed(2)} ×`;
  const out = ['## Recovery (the herd)', ''];
  out.push(`${l.total} droplets, strategy ${l.strategy}; capacity C = ${h.capacityPerSec} ops/s, capacity bound M / C = ${s.capacityBoundMs} ms; DynamoDB reachable again at ${ms(h.reachableAtMs)}`, '');
  const how = s.recoveredBy === 'throttle' ? `, only once the scripted throttle was applied (collapsed ${ms(s.collapsedBeforeRescueMs)} by then)` : s.recoveredBy === 'self' ? ', by itself' : '';
  out.push(...mdTable(['figure', 'value'], [
    ['leases re-established after', `${ms(l.reestablishMs)} (${ratio} the bound)${how}`],
    ['lapses to repair', String(l.needed)],
    ['re-establish batches / lease writes sent after DynamoDB was back', `${l.attempts} / ${l.itemsSent}`],
    ['retry amplification (those writes / lapses)', num(l.amplification)],
    ['metastable', `${s.metastable ? 'YES' : 'no'} (longest collapse ${ms(h.collapseMs)}; threshold 5 × M / C = ${ms(5 * s.capacityBoundMs)})`],
    ['wasted work at the leases table', `${h.wasted.items} items served after DWFM stopped waiting (${h.wasted.share === null ? '—' : `${(h.wasted.share * 100).toFixed(0)} %`} of all served)`],
    ['network backlog peak / oldest change', `${h.network.maxBacklog} / ${h.network.maxOldestAgeS} s`],
    ['NLB targets removed / re-added / removals held back by velocity control', `${s.nlb.targetsRemoved} / ${s.nlb.targetsReadded} / ${s.nlb.removalsDeferred}`],
    ['time to recover (every SLO ≥ 99 % from then on)', `${ms(s.recovery.ttrMs)} after DynamoDB was reachable`],
    ['leases table served rate', `max ${h.cpu.servedItemsPerSecMax}/s, median ${h.cpu.servedItemsPerSecMedian ?? '—'}/s during the herd (C = ${h.capacityPerSec})`],
    ['CPU', `busiest second ${h.cpu.maxCoresInASecond} cores of 2; ${Object.entries(h.cpu.byService).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v} s`).join(', ')}`],
  ]), '');
  const from = (h.reachableAtMs ?? 0) - 5000;
  const pts = h.series.filter((p) => p.t >= from);
  if (pts.length) {
    out.push(`Per second from ${ms(pts[0]!.t)} (scale: C = ${h.capacityPerSec}/s):`, '', '```');
    out.push(`goodput  |${sparkline(pts.map((p) => p.goodput), h.capacityPerSec)}|`);
    out.push(`wasted   |${sparkline(pts.map((p) => p.wastedItems), h.capacityPerSec)}|`);
    out.push(`lapsed   |${sparkline(pts.map((p) => p.lapsed), l.total)}|`);
    if (pts.some((p) => p.backlog !== null)) out.push(`backlog  |${sparkline(pts.map((p) => p.backlog ?? 0), Math.max(1, h.network.maxBacklog))}|`);
    out.push('```', '');
  }
  out.push('Milestones: ' + (s.recovery.milestones.map((m) => `${m.name} ${(m.atMs / 1000).toFixed(1)} s`).join(' → ') || '—'), '');
  return out;
}

export function renderGamedayReport(g: GamedayReport): string {
  const c = g.comparison;
  const verdict = gamedayVerdict(g);
  const lines: string[] = [];
  lines.push(`# ${g.title ?? `Game day: ${g.scenario} — ${verdict.toUpperCase()}`}`, '');
  lines.push(`${g.quick ? 'quick' : 'full'} · seed ${g.seed} · ${c.leases.toLocaleString('en-US')} leases at C = ${c.capacityPerSec.toLocaleString('en-US')} ops/s: capacity bound M / C = ${ms(c.capacityBoundMs)} · ${secs(g.durationMs)} · ${g.startedAt}`, '');
  for (const sec of g.sections ?? []) lines.push(...sec.markdown);
  lines.push('## Comparison', '');
  lines.push(...mdTable(COMPARISON_HEADER, c.arms.map((a) => comparisonCells(a).map((cell, i) => (i === 0 ? `**${cell}**` : cell)))), '');
  for (const a of c.arms) {
    if (a.expect !== 'collapse') continue;
    if (a.recoveredBy === 'throttle') lines.push(`- **${a.name}** did not recover by itself: it had been collapsed for ${secs(a.collapsedBeforeRescueMs)} (${(a.collapsedBeforeRescueMs! / c.capacityBoundMs).toFixed(1)} × the bound) when the scripted throttle rescued it.`);
    else if (a.recoveredBy === null) lines.push(`- **${a.name}** (no throttle scripted) never recovered: collapsed for ${secs(a.collapseMs)} until the run ended.`);
    else lines.push(`- **${a.name}** recovered by itself — the lab did not reproduce the collapse.`);
  }
  for (const a of c.arms) if (a.expect === 'recover' && a.ratioToBound !== null) lines.push(`- **${a.name}** re-established every lease in ${(a.ratioToBound).toFixed(2)} × the capacity bound, ${a.recoveredBy === 'self' ? 'by itself' : `only after the scripted throttle (collapsed ${secs(a.collapsedBeforeRescueMs)} by then)`}, and every SLO held again ${secs(a.ttrMs)} after the trigger was gone.`);
  lines.push('', 'Time to recover: from the trigger being gone (DNS restored) until every customer SLO is ≥ 99 % from then on. Operator actions — scripted or by a person — are never counted as the system recovering.', '');
  const svcRows = c.arms.flatMap((a) => (a.services ?? []).map((v) => [a.name, v.name, v.verdict, v.ttrMs === null ? '—' : secs(v.ttrMs), v.callsPerRequest === null ? '—' : num(v.callsPerRequest)]));
  if (svcRows.length) {
    lines.push('## Your services in each arm', '');
    lines.push(...mdTable(['arm', 'service', 'verdict', 'time to recover (after DNS came back)', 'DynamoDB calls / request while recovering'], svcRows), '');
    lines.push("Each arm's report.md has the service's phases, its first error and its retry settings.", '');
  }
  if (g.gate) {
    lines.push(`## Regression gate — ${g.gate.pass ? 'PASS' : 'FAIL'}`, '', `baseline: ${g.gate.baselineFile}`, '');
    for (const f of g.gate.findings.filter((x) => x.regressed)) lines.push(`- REGRESSED ${f.detail}`);
    for (const f of g.gate.findings.filter((x) => !x.regressed)) lines.push(`- ok ${f.detail}`);
    for (const n of g.gate.notes) lines.push(`- note: ${n}`);
    lines.push('');
  }
  lines.push('## Checks', '');
  lines.push(...mdTable(['arm', ...new Set(c.arms.flatMap((a) => a.checks.map((x) => x.name)))], c.arms.map((a) => [a.name, ...[...new Set(c.arms.flatMap((x) => x.checks.map((y) => y.name)))].map((n) => { const ch = a.checks.find((x) => x.name === n); return ch ? statusWord(ch.status) : '—'; })])), '');
  for (const [i, run] of g.runs.entries()) {
    lines.push(`## Arm ${run.name}: ${g.arms[i]!.description}`, '');
    for (const ch of run.summary.checks) lines.push(`- ${statusWord(ch.status)} ${ch.name}: ${ch.detail}`);
    lines.push('', 'Milestones: ' + (run.summary.recovery.milestones.map((m) => `${m.name} ${(m.atMs / 1000).toFixed(1)} s`).join(' → ') || '—'), '');
    lines.push(...alertsMarkdown(run.summary, '###'));
    lines.push(...storyMarkdown(run.summary.story, '###'));
    lines.push(`Run folder: ${c.arms[i]!.runDir}/ (report.md, summary.json, timeline.ndjson, lab logs)`, '');
  }
  return `${lines.join('\n')}\n`;
}

/** A game day passes when every arm's checks pass and the gate (if any) passes. */
export function gamedayVerdict(g: Pick<GamedayReport, 'comparison' | 'gate'>): 'pass' | 'fail' {
  return g.comparison.arms.every((a) => a.verdict === 'pass') && (g.gate?.pass ?? true) ? 'pass' : 'fail';
}

export const markdownReporter: Reporter = {
  name: 'md',
  description: 'report.md: the comparison table first, then every arm (readable in a pull request)',
  onRunFinished(run) {
    const f = join(run.outDir, 'report.md');
    writeFileSync(f, renderRunReport(run.summary));
    return [f];
  },
  onGamedayFinished(g) {
    const f = join(g.outDir, 'report.md');
    writeFileSync(f, renderGamedayReport(g));
    return [f];
  },
};
