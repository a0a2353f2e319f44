/** A readable report of one run (report.md in the run folder; the CLI prints the same text). */
import type { RunSummary } from './runner.ts';

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)} ms`);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

export function renderReport(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(`# ${s.scenario} — ${s.verdict.toUpperCase()} (${s.status})`, '');
  lines.push(`seed ${s.seed} · safeguards ${s.config.model.safeguards} · ${s.config.model.endpoints} endpoints · plan every ${s.config.model.planIntervalMs} ms · cleanup keeps ${s.config.model.cleanupKeepGenerations} generations · ${Math.round(s.durationMs / 1000)} s · ${s.startedAt}`, '');
  lines.push('## DNS', '');
  lines.push('| milestone | t |', '| --- | --- |');
  lines.push(`| empty record committed by route53 | ${s.dns.emptyRecordPublished ? ms(s.dns.emptyAtMs) : 'never'} |`);
  lines.push(`| canary saw it (detection ${ms(s.dns.detectionMs)}) | ${ms(s.dns.detectedAtMs)} |`);
  lines.push(`| record restored | ${ms(s.dns.restoredAtMs)} |`, '');
  const c = s.dns.canary;
  lines.push(`canary answers: ok ${c.ok}, empty ${c.empty}, nxdomain ${c.nxdomain}, servfail ${c.servfail}, timeout ${c.timeout}, refused ${c.refused}${c.error ? `, other ${c.error}` : ''}`, '');
  lines.push('## Customers', '');
  lines.push('| window | requests | error rate |', '| --- | --- | --- |');
  lines.push(`| before faults | ${s.customers.beforeFaults.sent} | ${pct(s.customers.beforeFaults.errorRate)} |`);
  lines.push(`| while the record was empty | ${s.customers.whileEmpty.sent} | ${pct(s.customers.whileEmpty.errorRate)} |`);
  lines.push(`| after restore | ${s.customers.afterRestore.sent} | ${pct(s.customers.afterRestore.errorRate)} |`, '');
  lines.push(`writes: ${s.writes.acknowledged} acknowledged, ${s.writes.lost} lost`, '');
  lines.push('## Enactors', '');
  lines.push(`applies refused for the inconsistent state while empty: ${s.enactors.appliesFailedWhileEmpty} · stale applies rejected by fencing: ${s.enactors.staleAppliesRejected} · cleanup refusals (active/leased plan): ${s.enactors.cleanupRefusals}`, '');
  if (s.leases.needed > 0) lines.push(...recoverySection(s));
  lines.push('## Faults and operator actions', '');
  for (const f of s.faults) lines.push(`- fault ${f.name} (${f.type}): injected ${ms(f.injectedAtMs)}, healed ${ms(f.healedAtMs)}`);
  for (const o of s.operator) lines.push(`- operator ${o.action} at ${ms(o.atMs)}: ${o.ok ? 'ok' : 'failed'}`);
  if (!s.faults.length && !s.operator.length) lines.push('- none');
  lines.push('', '## Checks', '');
  for (const ch of s.checks) lines.push(`- ${ch.status === 'pass' ? 'PASS' : ch.status === 'fail' ? 'FAIL' : 'skip'} ${ch.name}: ${ch.detail}`);
  lines.push('', '## Steps', '', '| step | start | end | status |', '| --- | --- | --- | --- |');
  for (const st of s.steps) lines.push(`| ${st.name} | ${ms(st.startMs)} | ${ms(st.endMs)} | ${st.status}${st.error ? `: ${st.error}` : ''} |`);
  lines.push('', `History: timeline.ndjson · summary: summary.json · lab logs: lab/logs/`);
  return `${lines.join('\n')}\n`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per second, scaled to `max`: a blank for zero. */
export function sparkline(values: readonly number[], max: number): string {
  return values.map((v) => (v <= 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))]!)).join('');
}

function recoverySection(s: RunSummary): string[] {
  const h = s.herd;
  const l = s.leases;
  const ratio = l.reestablishMs === null ? '—' : `${(l.reestablishMs / s.capacityBoundMs).toFixed(2)} ×`;
  const out = ['## Recovery (the herd)', ''];
  out.push(`${l.total} droplets, strategy ${l.strategy}; capacity C = ${h.capacityPerSec} ops/s, capacity bound M / C = ${s.capacityBoundMs} ms; DynamoDB reachable again at ${ms(h.reachableAtMs)}`, '');
  out.push('| figure | value |', '| --- | --- |');
  out.push(`| leases re-established after | ${ms(l.reestablishMs)} (${ratio} the bound)${l.recoveredAfterThrottle ? ', only once the manual throttle was applied' : ''} |`);
  out.push(`| lapses to repair | ${l.needed} |`);
  out.push(`| re-establish batches / lease writes sent after DynamoDB was back | ${l.attempts} / ${l.itemsSent} |`);
  out.push(`| retry amplification (those writes / lapses) | ${l.amplification ?? '—'} |`);
  out.push(`| metastable | ${s.metastable ? 'YES' : 'no'} (longest collapse ${ms(h.collapseMs)}; threshold 5 × M / C = ${ms(5 * s.capacityBoundMs)}) |`);
  out.push(`| wasted work at the leases table | ${h.wasted.items} items served after DWFM stopped waiting (${h.wasted.share === null ? '—' : `${(h.wasted.share * 100).toFixed(0)} %`} of all served) |`);
  out.push(`| network backlog peak / oldest change | ${h.network.maxBacklog} / ${h.network.maxOldestAgeS} s |`);
  out.push(`| NLB targets removed / re-added / removals held back by velocity control | ${s.nlb.targetsRemoved} / ${s.nlb.targetsReadded} / ${s.nlb.removalsDeferred} |`);
  out.push(`| time to recover (every SLO ≥ 99 % from then on) | ${ms(s.recovery.ttrMs)} after DynamoDB was reachable |`);
  out.push(`| leases table served rate | max ${h.cpu.servedItemsPerSecMax}/s, median ${h.cpu.servedItemsPerSecMedian ?? '—'}/s during the herd (C = ${h.capacityPerSec}) |`);
  out.push(`| CPU | busiest second ${h.cpu.maxCoresInASecond} cores of 2; ${Object.entries(h.cpu.byService).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v} s`).join(', ')} |`, '');
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
