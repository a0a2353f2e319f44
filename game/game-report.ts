/**
 * A played game's reports: the game folder holds play.json (what was played, and the scale), the
 * arm's run folder (arms/responders/: timeline.ndjson, summary.json, report.md), and the game
 * day's files — comparison.json, report.md and report.html with the debrief first, junit.xml —
 * plus debrief.json and postmortem.md. Everything is computed from the history, so `outage-lab
 * report` and `replay` make the same debrief again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { compare } from '../chaos/campaigns/gameday/comparison.ts';
import type { ArmInfo, GamedayReport, Reporter, ReportSection, RunResult } from '../chaos/reporters/reporter.ts';
import { computeDebrief, measuredBest, type Debrief } from './debrief.ts';
import { DEBRIEF_CSS, debriefHtml, debriefMarkdown, postmortemMarkdown } from './debrief-render.ts';

export const PLAY_ARM = 'responders';

export const PlayMetaSchema = z
  .object({
    version: z.literal(1),
    scenario: z.string(),
    quick: z.boolean(),
    blind: z.boolean(),
    seed: z.number().int(),
    minutesPerRunSecond: z.number().positive(),
    scaleNote: z.string(),
    timeLimitMs: z.number().int().positive(),
  })
  .strict();
export type PlayMeta = z.infer<typeof PlayMetaSchema>;

export function readPlayMeta(dir: string): PlayMeta | undefined {
  const f = join(dir, 'play.json');
  return existsSync(f) ? PlayMetaSchema.parse(JSON.parse(readFileSync(f, 'utf8'))) : undefined;
}

export function writePlayMeta(dir: string, m: PlayMeta): void {
  writeFileSync(join(dir, 'play.json'), `${JSON.stringify(m, null, 2)}\n`);
}

export function playArm(meta: Pick<PlayMeta, 'scenario' | 'blind'>): ArmInfo {
  return { name: PLAY_ARM, description: `${meta.scenario} played by people${meta.blind ? ', blind' : ''}: DWFM as in the incident, no scripted operator action`, expect: 'respond', throttleScripted: false };
}

export function gameDebrief(run: RunResult, meta: PlayMeta): Debrief {
  return computeDebrief(run.events, run.summary, { scenario: meta.scenario, blind: meta.blind, minutesPerRunSecond: meta.minutesPerRunSecond, scaleNote: meta.scaleNote, best: measuredBest(meta.quick) });
}

export function debriefSection(d: Debrief): ReportSection {
  return { id: 'debrief', markdown: debriefMarkdown(d), html: debriefHtml(d), css: DEBRIEF_CSS };
}

/** The game day report of a played game (one arm, the debrief first). */
export function gameReport(run: RunResult, meta: PlayMeta, outDir: string, durationMs: number): { report: GamedayReport; debrief: Debrief } {
  const arm = playArm(meta);
  const debrief = gameDebrief(run, meta);
  const comparison = compare({ scenario: meta.scenario, seed: meta.seed, quick: meta.quick, arms: [arm], runs: [run], runDirs: [join('arms', PLAY_ARM)], durationMs });
  return {
    debrief,
    report: { title: `Game: ${meta.scenario} played${meta.blind ? ' blind' : ''} — ${debrief.outcome.toUpperCase()}`, scenario: meta.scenario, seed: meta.seed, quick: meta.quick, startedAt: run.summary.startedAt, durationMs, outDir, arms: [arm], runs: [run], comparison, gate: null, sections: [debriefSection(debrief)] },
  };
}

/** Writes every report of a played game; returns the files. */
export async function writeGameReports(report: GamedayReport, debrief: Debrief, reporters: readonly Reporter[]): Promise<string[]> {
  const files: string[] = [];
  for (const r of reporters) if (r.onGamedayFinished) files.push(...(await r.onGamedayFinished(report)));
  const json = join(report.outDir, 'debrief.json');
  writeFileSync(json, `${JSON.stringify(debrief, null, 2)}\n`);
  const pm = join(report.outDir, 'postmortem.md');
  writeFileSync(pm, postmortemMarkdown(debrief, report.runs[0]!.summary.story, { date: report.startedAt.slice(0, 10), folder: report.outDir }));
  return [...files, json, pm];
}
