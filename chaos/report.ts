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
