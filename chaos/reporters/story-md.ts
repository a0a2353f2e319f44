/** The incident's lessons as Markdown: contributing causes, blast radius, error budget, fidelity. */
import type { Story } from '../story/index.ts';
import { mdTable, ms, pct, secs } from './format.ts';

export function storyMarkdown(story: Story, level = '##'): string[] {
  const out: string[] = [];
  out.push(`${level} Contributing causes (lesson 05)`, '');
  out.push('Scripted: injected by the scenario (faults, runbook actions). Human: what a person did in a played game. Emergent: what the system did by itself.', '');
  out.push(...mdTable(['t', 'origin', 'what'], story.causes.map((c) => [secs(c.atMs), c.origin, c.what])), '');
  out.push(`${level} Blast radius (lesson 04)`, '');
  const imp = story.blastRadius.impaired;
  if (!imp.length) out.push('No component was impaired.', '');
  else out.push(...mdTable(['component', 'impaired', 'what', 'because of', 'origin'], imp.map((i) => [i.component, `${secs(i.fromMs)} – ${secs(i.toMs)}`, i.what, i.causes.join(', '), i.origin])), '');
  const unharmed = story.blastRadius.nodes.filter((n) => !imp.some((i) => i.component === n.name)).map((n) => n.name);
  if (unharmed.length) out.push(`Not impaired: ${unharmed.join(', ')}.`, '');
  const b = story.errorBudget;
  out.push(`${level} Error budget (lesson 06)`, '');
  if (!b) out.push('No trigger in this run: nothing to convert.', '');
  else {
    out.push(
      `The trigger lasted ${secs(b.triggerMs)} here and 157 min in the incident, so one run second stands for ${b.minutesPerRunSecond} incident minutes. ` +
        `Outage (trigger → every SLO back) ${secs(b.outageMs)}${b.recovered ? '' : ' (not recovered when the run ended)'} ≈ **${(b.incidentMinutes / 60).toFixed(1)} h** at the incident's scale; ` +
        `customer error-seconds ≈ ${(b.errorMinutes / 60).toFixed(1)} h.`,
      '',
    );
    out.push(...mdTable(['SLA', 'yearly budget', 'outage would consume', 'error-seconds would consume'], b.tiers.map((t) => [pct(t.sla, t.sla >= 0.9999 ? 2 : 1), `${Math.round(t.budgetMinutes)} min`, pct(t.outageShare, 0), pct(t.errorShare, 0)])), '');
  }
  out.push(`${level} Fidelity to the real timeline`, '');
  out.push(...mdTable(['stage', 'run', 'share of run', 'incident', 'share of 14 h'], story.fidelity.map((f) => [f.stage, ms(f.runMs), pct(f.runShare, 0), `${Math.floor(f.incidentMin / 60)} h ${f.incidentMin % 60} min`, pct(f.incidentShare, 0)])), '');
  return out;
}
