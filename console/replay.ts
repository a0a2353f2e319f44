/**
 * `outage-lab replay <folder>`: a finished game (or any run, or a game day's arm) shown again in
 * the same console, its history fed through the same view at `speed` times real time, then —
 * for a played game — the same debrief, computed again from the history.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComparisonSchema } from '../chaos/campaigns/gameday/comparison.ts';
import { readHistory, type HistoryEvent } from '../chaos/history/history.ts';
import type { RunSummary } from '../chaos/run/journal.ts';
import { openConsole } from './open.ts';
import { InputError } from '../core/errors.ts';
import { buildTopology } from '../topology/topology.ts';
import { debriefHtml } from '../game/debrief-render.ts';
import { gameDebrief, readPlayMeta } from '../game/game-report.ts';

export interface ReplayOptions {
  readonly folder: string;
  /** Which arm of a game day folder (default: its first). */
  readonly arm?: string;
  readonly speed: number;
  readonly port?: number;
  /** The lab slot whose console address (and CoreDNS, for the dig hint) to use. */
  readonly slot: number;
  readonly lingerMs: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly onConsole?: (url: string) => void;
}

/** The run folder to replay: the folder itself, or an arm of a game (day) folder. */
export function replayRunDir(folder: string, arm?: string): { runDir: string; name: string } {
  const cmp = join(folder, 'comparison.json');
  if (existsSync(cmp)) {
    const c = ComparisonSchema.parse(JSON.parse(readFileSync(cmp, 'utf8')));
    const a = arm === undefined ? c.arms[0]! : c.arms.find((x) => x.name === arm);
    if (!a) throw new InputError(`--arm ${arm}: ${folder} has arms ${c.arms.map((x) => x.name).join(', ')}`);
    return { runDir: join(folder, a.runDir), name: a.name };
  }
  if (arm !== undefined) throw new InputError(`--arm: ${folder} is a run folder, not a game day's`);
  return { runDir: folder, name: folder };
}

/** A history in the order it was recorded (the order the live console saw it). */
function historyAsRecorded(file: string): HistoryEvent[] {
  return readHistory(file, { order: 'recorded' });
}

export async function replay(o: ReplayOptions): Promise<void> {
  const { runDir, name } = replayRunDir(o.folder, o.arm);
  const timeline = join(runDir, 'timeline.ndjson');
  const summaryFile = join(runDir, 'summary.json');
  if (!existsSync(timeline) || !existsSync(summaryFile)) throw new InputError(`${o.folder} holds no finished run (timeline.ndjson and summary.json): give a run, game or game day folder`);
  const events = historyAsRecorded(timeline);
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
  const meta = readPlayMeta(o.folder);
  const c = await openConsole({
    topology: buildTopology({ slot: o.slot }),
    title: `Replay: ${name}${meta?.blind ? ' (blind)' : ''} ×${o.speed}`,
    blind: meta?.blind ?? false,
    port: o.port,
    watchOnly: `a replay of ${o.folder}: nothing can be acted on`,
    act: async () => ({ status: 409, body: { error: `this is a replay of ${o.folder}: nothing can be acted on` } }),
    state: () => ({ phase: 'replay', folder: o.folder }),
  });
  try {
    o.onConsole?.(c.server.url);
    o.log(`replaying ${runDir} at ×${o.speed}: ${c.server.url}`);
    const first = events[0];
    c.reporter.begin(name, first?.ts ?? Date.now(), summary.config.model);
    const wallStart = Date.now();
    for (const e of events) {
      if (o.signal?.aborted) break;
      const due = wallStart + (e.t - (first?.t ?? 0)) / o.speed;
      const wait = due - Date.now();
      if (wait > 5) await new Promise((r) => setTimeout(r, wait));
      c.reporter.onEvent(e);
    }
    if (meta && !o.signal?.aborted) c.reporter.showDebrief(debriefHtml(gameDebrief({ name, summary, events, outDir: runDir, files: [] }, meta)));
    o.log(`replay done${meta ? ': the debrief is shown' : ''}; the console stays up for ${Math.round(o.lingerMs / 1000)} s (Ctrl-C closes it)`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, o.lingerMs);
      if (o.signal?.aborted) resolve();
      o.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  } finally {
    await c.server.close();
  }
}
