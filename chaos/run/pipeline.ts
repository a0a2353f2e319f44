/**
 * One experiment as a pipeline of phases, data flowing one way:
 *
 *   validate → start (lab, history, observers, users' services) → steady state → schedule faults and operator
 *   actions until a stop condition → heal (always) → teardown (always) → analyse → report
 *
 * The history (timeline.ndjson) is the only input to the analysis; the journal records what each
 * step did; reporters turn summary + history into files. The status is one of completed | failed |
 * aborted | interrupted.
 */
import { buildTopology } from '../../topology/topology.ts';
import type { HistoryEvent } from '../history/history.ts';
import { DEFAULT_RUN_REPORTERS } from '../reporters/index.ts';
import type { LiveRun, RunResult } from '../reporters/reporter.ts';
import type { Scenario } from '../experiment/scenario.ts';
import type { RunContext, RunOptions } from './context.ts';
import { Steps, type Journal, type RunSummary } from './journal.ts';
import { summarise } from './phases/analyse.ts';
import { healAll } from './phases/heal.ts';
import { report } from './phases/report.ts';
import { armRunEnd, haltFaults, rearmTrigger, runOperatorAction, schedule } from './phases/schedule.ts';
import { prepareUserServices, startUserServices } from './phases/services.ts';
import { startLab, startObservers } from './phases/start.ts';
import { steadyState } from './phases/steady-state.ts';
import { teardown } from './phases/teardown.ts';
import { validate } from './phases/validate.ts';
import { describeEvent, isNotable } from './log-lines.ts';

export type { RunOptions } from './context.ts';

/** Runs a scenario and returns its summary (reporters have written their files by then). */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunSummary> {
  return (await runScenarioWithHistory(scenario, opts)).summary;
}

export async function runScenarioWithHistory(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const topology = buildTopology({ slot: opts.lab.slot, monitoring: opts.monitoring === true, systemResolver: (opts.services?.length ?? 0) > 0 });
  const model = validate(scenario, topology, opts.seed, opts.outDir);
  const reporters = opts.reporters ?? DEFAULT_RUN_REPORTERS();
  const ctx: RunContext = {
    scenario,
    opts,
    topology,
    model,
    steps: new Steps(),
    wallStart: new Date(),
    status: 'completed',
    observers: { httpLoads: [] },
    activeFaults: new Map(),
    timers: [],
  };
  const live: LiveRun = { name: opts.label ?? scenario.name, scenario, expectedMs: opts.expectedMs ?? scenario.stop.maxDurationMs, startedAt: Date.now() };
  for (const r of reporters) r.onRunStart?.(live);
  const onEvent = (e: HistoryEvent) => {
    if (isNotable(e)) opts.log(describeEvent(e));
    for (const r of reporters) r.onEvent?.(e, live);
  };

  await prepareUserServices(ctx);
  const disarm = armRunEnd(ctx);
  try {
    await startLab(ctx, onEvent);
    opts.live?.attach({
      history: ctx.history!,
      topology,
      components: ctx.lab!,
      stop: (why) => ctx.stop!(why),
      haltFaults: () => haltFaults(ctx),
      rearmTrigger: () => rearmTrigger(ctx),
      act: (action, settings, by) => runOperatorAction(ctx, action, settings, { actor: 'human', by }),
    });
    startObservers(ctx);
    await startUserServices(ctx);
    if (await steadyState(ctx)) await schedule(ctx);
    if (ctx.serviceFailure) throw new Error(ctx.serviceFailure);
  } catch (err) {
    // Before the lab is up there is nothing to analyse: the error is the result (the lab has
    // already stopped what it started).
    if (!ctx.history) {
      for (const t of ctx.timers) clearTimeout(t);
      disarm();
      throw err;
    }
    ctx.status = opts.signal?.aborted ? 'interrupted' : 'failed';
    if (ctx.status === 'failed') ctx.history.record('runner', 'run.error', { error: (err as Error).message });
    const r = ctx.steps.start('error');
    ctx.steps.end(r, 'failed', { error: (err as Error).message });
  } finally {
    disarm();
    await healAll(ctx);
    await teardown(ctx);
  }

  const history = ctx.history!;
  const events = [...history.events].sort((a, b) => a.t - b.t);
  const journal: Journal = {
    scenario: scenario.name,
    seed: opts.seed,
    status: ctx.status,
    startedAt: ctx.wallStart.toISOString(),
    durationMs: Math.round(events.at(-1)?.t ?? 0),
    runtime: ctx.lab?.runtimeName ?? opts.runtime ?? 'local',
    config: { model, load: scenario.load, faults: scenario.faults, operator: scenario.operator, stop: scenario.stop, checks: scenario.checks },
    steps: ctx.steps.relativeTo(history.startedAt),
    outDir: opts.outDir,
  };
  return report(reporters, summarise(journal, events), events, live.name);
}
