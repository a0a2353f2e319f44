/**
 * The debrief as people read it: a Markdown section (report.md), an HTML section (report.html and
 * the console, the same markup), and a pre-filled postmortem (postmortem.md) for the team to edit.
 */
import { mdTable } from '../chaos/reporters/format.ts';
import type { Story } from '../chaos/story/index.ts';
import type { Debrief, DebriefStage, TimelineEntry } from './debrief.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const hm = (min: number | null) => (min === null ? '—' : min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`);
const clock = (ts: number) => new Date(ts).toISOString().slice(11, 19);
const rel = (d: Debrief, atMs: number) => {
  if (d.firstFaultAtMs === null) return '';
  const s = Math.round((atMs - d.firstFaultAtMs) / 1000);
  return `T${s < 0 ? '−' : '+'}${Math.floor(Math.abs(s) / 60)}:${String(Math.abs(s) % 60).padStart(2, '0')}`;
};
const STATUS: Record<DebriefStage['status'], string> = { done: 'done', 'not-needed': 'not needed', missing: 'MISSING' };

function stageCells(d: Debrief, s: DebriefStage): string[] {
  return [s.title, STATUS[s.status], secs(s.tookMs), hm(s.incidentMin), hm(s.awsMin), s.by ?? '—', s.detail];
}
const STAGE_HEADER = ['stage', 'status', 'took (run)', 'at the incident’s scale', 'AWS', 'by', 'detail'];
const TIMELINE_HEADER = ['time (UTC)', 'since first fault', 'who', 'what'];
const who = (t: TimelineEntry) => (t.who === 'human' ? `${t.by} (human)` : t.who);

export function debriefMarkdown(d: Debrief): string[] {
  const out = ['## Debrief: the team against AWS’s timeline', ''];
  out.push(`**${d.outcomeText}**`, '');
  out.push(`Players: ${d.players.join(', ') || 'nobody acted'}${d.blind ? ' · played blind (the console showed only what typical monitoring showed)' : ''}. Scale: ${d.scaleNote}.`, '');
  out.push(...mdTable(STAGE_HEADER, d.stages.map((s) => stageCells(d, s))), '');
  if (d.missing.length) out.push(`Missing steps: ${d.missing.join('; ')}.`, '');
  if (d.causesNamed.length) out.push(`Causes named: ${d.causesNamed.map((c) => `${c.by} at ${rel(d, c.atMs)}: "${c.label}" — ${c.right ? 'RIGHT' : 'wrong'}`).join('; ')}.`, '');
  if (d.best) out.push(`What the best automated strategy would have done: ${d.best.text}`, '');
  out.push('### Timeline: people against the system', '');
  out.push(...mdTable(TIMELINE_HEADER, d.timeline.map((t) => [clock(t.ts), rel(d, t.atMs), who(t), t.what])), '');
  if (d.notes.length) out.push('### Scribe’s notes', '', ...d.notes.map((n) => `- ${clock(n.ts)} (${rel(d, n.atMs)}) ${n.by}: ${n.text}`), '');
  return out;
}

/** The styles debriefHtml's markup uses (report.html and the console). */
export const DEBRIEF_CSS = `.debrief{border:2px solid #00838f;border-radius:8px;padding:8px 16px;margin:16px 0;background:#f7fcfc}
.stage-done{color:#2e7d32;font-weight:600}.stage-not-needed{color:#555}.stage-missing{color:#c62828;font-weight:700}
.who-human{color:#00838f;font-weight:600}.who-fault{color:#ef6c00}.missing{color:#c62828;font-weight:600}
.outcome-recovered{color:#2e7d32}.outcome-unmitigated,.outcome-collapsed{color:#c62828}`;

export function debriefHtml(d: Debrief): string {
  const table = (header: readonly string[], rows: readonly (readonly string[])[], cls: string) =>
    `<table class="${cls}"><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
  const stages = table(
    STAGE_HEADER,
    d.stages.map((s) => stageCells(d, s).map((c, i) => `<td${i === 1 ? ` class="stage-${s.status}"` : ''}>${esc(c)}</td>`)),
    'debrief-stages',
  );
  const timeline = table(TIMELINE_HEADER, d.timeline.map((t) => [clock(t.ts), rel(d, t.atMs), who(t), t.what].map((c, i) => `<td${i === 2 ? ` class="who-${t.who}"` : ''}>${esc(c)}</td>`)), 'debrief-timeline');
  return `<section class="debrief" id="debrief" data-outcome="${d.outcome}">
<h2>Debrief: the team against AWS’s timeline</h2>
<p class="outcome outcome-${d.outcome}"><b>${esc(d.outcomeText)}</b></p>
<p>Players: ${esc(d.players.join(', ') || 'nobody acted')}${d.blind ? ' · played blind' : ''}. Scale: ${esc(d.scaleNote)}.</p>
${stages}
${d.missing.length ? `<p class="missing">Missing steps: ${esc(d.missing.join('; '))}.</p>` : ''}
${d.causesNamed.length ? `<p>Causes named: ${d.causesNamed.map((c) => `${esc(c.by)} at ${rel(d, c.atMs)}: “${esc(c.label)}” — <b class="${c.right ? 'pass' : 'fail'}">${c.right ? 'right' : 'wrong'}</b>`).join('; ')}.</p>` : ''}
${d.best ? `<p class="best">What the best automated strategy would have done: ${esc(d.best.text)}</p>` : ''}
<h3>Timeline: people against the system</h3>
${timeline}
${d.notes.length ? `<h3>Scribe’s notes</h3><ul>${d.notes.map((n) => `<li>${clock(n.ts)} (${rel(d, n.atMs)}) <b>${esc(n.by)}</b>: ${esc(n.text)}</li>`).join('')}</ul>` : ''}
</section>`;
}

/** A postmortem in Markdown, filled in from the game's history, for the team to edit. */
export function postmortemMarkdown(d: Debrief, story: Story, opts: { readonly date: string; readonly folder: string }): string {
  const out = [`# Postmortem (draft): ${d.scenario} game day, ${opts.date}`, ''];
  out.push('> Pre-filled by outage-lab from the game’s history (`timeline.ndjson`). Everything below is editable; figures are the run’s own, with the incident’s scale beside them.', '');
  out.push('## Summary', '', d.outcomeText, '', `Players: ${d.players.join(', ') || '—'}. Scale: ${d.scaleNote}.`, '');
  out.push('## How long each stage took', '', ...mdTable(STAGE_HEADER, d.stages.map((s) => stageCells(d, s))), '');
  out.push('## Contributing causes', '');
  out.push(...mdTable(['since first fault', 'origin', 'what'], story.causes.map((c) => [rel(d, c.atMs), c.origin, c.what])), '');
  out.push('## Actions taken', '');
  const acts = d.timeline.filter((t) => t.who === 'human');
  out.push(...(acts.length ? mdTable(['time (UTC)', 'since first fault', 'who', 'action'], acts.map((t) => [clock(t.ts), rel(d, t.atMs), t.by ?? '—', t.what])) : ['Nobody acted.']), '');
  out.push('## What went well', '', ...d.stages.filter((s) => s.status !== 'missing').map((s) => `- ${s.title}: ${s.detail} (${secs(s.tookMs)}; AWS ${hm(s.awsMin)})`), '- ', '');
  out.push('## What went wrong', '', ...d.missing.map((m) => `- Missing step: ${m}`), ...d.causesNamed.filter((c) => !c.right).map((c) => `- ${c.by} named a wrong cause: "${c.label}"`), '- ', '');
  out.push('## Open questions', '');
  out.push('- Why was the slow Enactor slow? (lesson 05: AWS never published it; here the scenario injected latency on its link to Route 53 — would the team have found that without the debrief?)');
  if (d.blind) out.push('- Which of our own alerts would have fired on an empty answer, as opposed to a resolution error? (lesson 03)');
  for (const m of d.missing) out.push(`- What kept us from the step "${m}"?`);
  out.push('- ', '');
  out.push('## Action items', '', '- [ ] ', '');
  if (d.notes.length) out.push('## Scribe’s notes', '', ...d.notes.map((n) => `- ${clock(n.ts)} (${rel(d, n.atMs)}) ${n.by}: ${n.text}`), '');
  out.push(`Game folder: ${opts.folder}`, '');
  return `${out.join('\n')}\n`;
}
