/**
 * `outage-lab play`: a game day people play. A pipeline: validate everything → open the console
 * (a fresh secret; its URL printed) → run the scenario on one lab with no scripted operator
 * action, the faults waiting for the facilitator's start → the run ends when the system has
 * recovered and stayed healthy, when the facilitator ends it, or at the time limit → analyse →
 * debrief and reports → the console shows the debrief until it is closed.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { COMMON_CHECKS } from '../chaos/campaigns/gameday/arms.ts';
import { DEFAULT_RUN_REPORTERS } from '../chaos/reporters/index.ts';
import type { Reporter } from '../chaos/reporters/reporter.ts';
import { runScenarioWithHistory } from '../chaos/run/pipeline.ts';
import { loadScenario, type Scenario } from '../chaos/experiment/scenario.ts';
import { openConsole } from './open.ts';
import { InputError } from '../core/errors.ts';
import type { LabContext } from '../lab/lab.ts';
import type { RuntimeName } from '../lab/runtimes/index.ts';
import { buildTopology } from '../topology/topology.ts';
import { scenarioScale, type Debrief } from '../game/debrief.ts';
import { removeGameFile, writeGameFile } from '../game/game-file.ts';
import { gameReport, PLAY_ARM, writeGameReports, writePlayMeta, type PlayMeta } from '../game/game-report.ts';
import { GameSession } from '../game/session.ts';

export const PLAY_SCENARIO = 'us-east-1';
/** How long the lab waits for the facilitator's start. */
export const LOBBY_LIMIT_MS = 30 * 60_000;

export interface PlayOptions {
  readonly scenario: string;
  readonly quick: boolean;
  readonly blind: boolean;
  /** The console's port (default the topology's; 0: any free port). */
  readonly port?: number;
  readonly timeLimitMs: number;
  readonly lobbyLimitMs?: number;
  /** How long the console stays up with the debrief after the game (an interrupt closes it earlier). */
  readonly lingerMs: number;
  readonly seed: number;
  readonly outDir: string;
  readonly latestLink?: string;
  readonly sets: readonly string[];
  readonly reporters: readonly Reporter[];
  readonly lab: LabContext;
  readonly runtime?: RuntimeName;
  /** Run the lab's monitoring (Prometheus, blackbox exporter, Alertmanager): its alerts page the responders. */
  readonly monitoring?: boolean;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Called once the console listens (the command prints its URL). */
  readonly onConsole?: (url: string) => void;
}

export interface PlayOutcome {
  readonly debrief: Debrief;
  readonly files: string[];
  readonly interrupted: boolean;
}

/** The scenario a game plays: no scripted operator action, the time limit as its max duration. */
export function playScenario(o: Pick<PlayOptions, 'scenario' | 'quick' | 'sets' | 'timeLimitMs'>): { scenario: Scenario; scale: { minutesPerRunSecond: number; scaleNote: string } } {
  const base = loadScenario(o.scenario, o.sets, { quick: o.quick });
  const scale = scenarioScale(base.operator, null);
  return { scale, scenario: { ...base, operator: [], checks: [...COMMON_CHECKS], stop: { ...base.stop, maxDurationMs: o.timeLimitMs } } };
}

export async function playGame(o: PlayOptions): Promise<PlayOutcome> {
  const { scenario, scale } = playScenario(o);
  if (existsSync(o.outDir) && readdirSync(o.outDir).length > 0) throw new InputError(`--out ${o.outDir} is not empty: choose a new folder; games are never overwritten or mixed`);
  mkdirSync(o.outDir, { recursive: true });
  const meta: PlayMeta = { version: 1, scenario: scenario.name, quick: o.quick, blind: o.blind, seed: o.seed, ...scale, timeLimitMs: o.timeLimitMs };
  writePlayMeta(o.outDir, meta);

  const topology = buildTopology({ slot: o.lab.slot });
  const session = new GameSession({ lobbyLimitMs: o.lobbyLimitMs ?? LOBBY_LIMIT_MS });
  const c = await openConsole({
    topology,
    title: `Game day: ${scenario.name}${o.blind ? ' (blind)' : ''}`,
    blind: o.blind,
    port: o.port,
    act: (body) => session.act(body),
    state: () => ({ phase: session.phase, scenario: scenario.name, blind: o.blind, outDir: o.outDir }),
  });
  const started = Date.now();
  try {
    writeGameFile(o.lab.home, { origin: c.server.origin, secret: c.secret, pid: process.pid, outDir: o.outDir, startedAt: new Date(started).toISOString() });
    o.onConsole?.(c.server.url);
    o.log(`console: ${c.server.url}`);
    o.log(`the lab starts now; the facilitator starts the game from the console (or \`outage-lab act start\`) once the lab is ready`);
    const run = await runScenarioWithHistory(scenario, {
      seed: o.seed,
      outDir: join(o.outDir, 'arms', PLAY_ARM),
      lab: o.lab,
      log: o.log,
      signal: o.signal,
      runtime: o.runtime,
      monitoring: o.monitoring,
      reporters: [c.reporter, ...DEFAULT_RUN_REPORTERS()],
      label: PLAY_ARM,
      expectedMs: o.timeLimitMs,
      live: session.live(),
    });
    const { report, debrief } = gameReport(run, meta, o.outDir, Date.now() - started);
    const files = await writeGameReports(report, debrief, o.reporters);
    if (o.latestLink && dirname(o.latestLink) === dirname(o.outDir)) {
      rmSync(o.latestLink, { force: true });
      symlinkSync(basename(o.outDir), o.latestLink);
    }
    c.reporter.showDebrief(report.sections![0]!.html);
    session.over();
    const interrupted = run.summary.status === 'interrupted';
    o.log(`game over: ${debrief.outcomeText}`);
    if (!interrupted && o.lingerMs > 0) {
      o.log(`the console shows the debrief at ${c.server.url} for ${Math.round(o.lingerMs / 1000)} s (Ctrl-C closes it)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.lingerMs);
        o.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
    return { debrief, files, interrupted };
  } finally {
    removeGameFile(o.lab.home);
    await c.server.close();
  }
}
