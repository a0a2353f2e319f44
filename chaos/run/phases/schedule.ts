/**
 * Phase 4: the fault schedule (the nemesis) and the runbook's operator actions, each when due, and
 * the stop conditions; resolves when the run stops. Faults are events in the same history as
 * everything else, with start and end markers.
 */
import { ConflictError } from '../../../core/errors.ts';
import { fieldOf } from '../../../core/events.ts';
import { nowMs } from '../../../services/common/events.ts';
import { faultType, type FaultSpec } from '../../experiment/faults/index.ts';
import type { HistoryEvent } from '../../history/history.ts';
import { faultsPhaseAt } from '../../analysis/milestones.ts';
import { operatorAction } from '../../experiment/operator/index.ts';
import type { OperatorActionSpec } from '../../experiment/scenario.ts';
import type { RunContext } from '../context.ts';

const matches = (e: HistoryEvent, type: string, match: Record<string, unknown>) => e.type === type && Object.entries(match).every(([k, v]) => fieldOf(e, k) === v);

/**
 * Arms the run's end: the max duration and an interrupt now, the stop conditions once faults
 * begin. Returns what to call when the run is over (the interrupt listener is the caller's signal's).
 */
export function armRunEnd(ctx: RunContext): () => void {
  let finish: (why: string) => void = () => {};
  const onAbort = () => finish('interrupted');
  const max = ctx.scenario.stop.maxDurationMs;
  const live = ctx.opts.live;
  ctx.stopped = new Promise<string>((resolve) => {
    finish = resolve;
    if (!live) {
      let deadline = performance.now() + max;
      let timer = setTimeout(() => resolve(`max duration ${max} ms reached`), max);
      ctx.timers.push(timer);
      let extendedMs = 0;
      ctx.extendRunEnd = (ms) => {
        clearTimeout(timer);
        deadline += ms;
        extendedMs += ms;
        timer = setTimeout(() => resolve(`max duration ${max} ms reached (and ${Math.round(extendedMs)} ms of services starting and the lab settling, not counted)`), Math.max(0, deadline - performance.now()));
        ctx.timers.push(timer);
      };
      return;
    }
    // A played game: the time limit counts from the facilitator's start, the lobby has its own.
    const lobby = setTimeout(() => resolve(`not started within ${Math.round(live.lobbyLimitMs / 1000)} s`), live.lobbyLimitMs);
    ctx.timers.push(lobby);
    void live.started.then(() => {
      clearTimeout(lobby);
      ctx.timers.push(setTimeout(() => resolve(`time limit ${Math.round(max / 1000)} s reached`), max));
    });
  });
  ctx.opts.signal?.addEventListener('abort', onAbort, { once: true });
  ctx.stop = finish;
  // A stop condition of the lab's arc waits for users' services to recover from the restoration
  // (or run out of their bound); the max duration and an interrupt still end the run at once.
  ctx.stopWhenServicesDone = (why) => {
    const restored = ctx.history!.events.find((e) => e.type === 'route53.record.restored' && e.regional === true);
    if (!ctx.services || !restored) return finish(why);
    void ctx.services.recoveredSince(ctx.history!.startedAt + restored.t, ctx.opts.signal).then(() => finish(`${why}, and the services' recovery from the restoration was watched`));
  };
  return () => ctx.opts.signal?.removeEventListener('abort', onAbort);
}

export async function schedule(ctx: RunContext): Promise<void> {
  const h = ctx.history!;
  const live = ctx.opts.live;
  if (live) {
    // A played game: nothing is injected until the facilitator starts it (or the run ends first).
    const go = await Promise.race([live.started.then(() => true), ctx.stopped!.then(() => false)]);
    if (!go) return stopped(ctx);
  }
  const from = h.record('runner', 'run.phase', { phase: 'faults' }).t;
  // In a game the schedule's times count from the start, as if it had come at the earliest moment.
  const earliest = ctx.scenario.steadyState.warmupMs + ctx.scenario.steadyState.verifyForMs;
  const offset = live ? Math.max(0, from - earliest) : 0;
  // Stop conditions watch only what happens once the faults phase has begun.
  for (const cond of ctx.scenario.stop.afterEvents) {
    if ('allOf' in cond) {
      const seen = new Set<string>();
      const open = new Set<number>();
      let fired = false;
      h.onEvent((e) => {
        if (fired) return;
        // Windows are tracked from the start (a backlog may build before the faults phase ends).
        for (const [i, w] of cond.notDuring.entries()) {
          if (e.type === w.from) open.add(i);
          else if (e.type === w.until) open.delete(i);
        }
        if (e.t >= from && cond.allOf.includes(e.type)) seen.add(e.type);
        if (cond.allOf.every((t) => seen.has(t)) && open.size === 0) {
          fired = true;
          ctx.timers.push(setTimeout(() => ctx.stopWhenServicesDone!(`${cond.delayMs} ms after ${cond.allOf.join(' and ')}${cond.notDuring.length ? ` with no ${cond.notDuring.map((w) => w.from).join(', ')} open` : ''}`), cond.delayMs));
        }
      });
      continue;
    }
    let armed = cond.after === undefined;
    h.onEvent((e) => {
      if (e.t < from) return;
      if (!armed && e.type === cond.after) armed = true;
      if (!armed || !matches(e, cond.event, cond.match)) return;
      ctx.timers.push(setTimeout(() => ctx.stopWhenServicesDone!(`${cond.delayMs} ms after ${cond.event}`), cond.delayMs));
    });
  }
  const at = (ms: number, fn: () => void) => ctx.timers.push(setTimeout(fn, Math.max(0, h.startedAt + offset + ms - nowMs())));
  for (const f of ctx.scenario.faults) {
    const after = f.after;
    if (!after) at(f.atMs, () => void inject(ctx, f));
    else at(f.atMs, () => onFirst(ctx, after.event, after.match, () => ctx.timers.push(setTimeout(() => void inject(ctx, f), after.delayMs))));
  }
  for (const a of ctx.scenario.operator) {
    const trigger = a.when;
    if ('atMs' in trigger) at(trigger.atMs, () => void operate(ctx, a));
    else onFirst(ctx, trigger.afterEvent, trigger.match, () => ctx.timers.push(setTimeout(() => void operate(ctx, a), trigger.delayMs)));
  }
  await stopped(ctx);
}

/** Calls `fn` once, on the first event from now on of this type with these fields. */
function onFirst(ctx: RunContext, type: string, match: Record<string, unknown>, fn: () => void): void {
  let fired = false;
  ctx.history!.onEvent((e) => {
    if (fired || !matches(e, type, match)) return;
    fired = true;
    fn();
  });
}

async function stopped(ctx: RunContext): Promise<void> {
  const why = await ctx.stopped!;
  ctx.history!.record('runner', 'run.stop', { reason: why });
  if (why === 'interrupted') ctx.status = 'interrupted';
}

async function inject(ctx: RunContext, f: FaultSpec): Promise<void> {
  if (ctx.opts.signal?.aborted || ctx.faultsHalted) return;
  const h = ctx.history!;
  const r = ctx.steps.start(`inject ${f.name}`);
  try {
    const type = faultType(f);
    const active = await type.inject({ toxiproxy: ctx.lab!.toxiproxy, topology: ctx.topology, components: ctx.lab!, history: h }, f);
    ctx.activeFaults.set(f.name, active);
    const { type: faultKind, ...details } = f;
    h.record('nemesis', 'fault.injected', { ...details, faultType: faultKind, affects: type.affects(f, ctx.topology) });
    ctx.steps.end(r);
    if (f.durationMs !== null) ctx.timers.push(setTimeout(() => void heal(ctx, f.name), f.durationMs));
  } catch (err) {
    h.record('nemesis', 'fault.failed', { name: f.name, error: (err as Error).message });
    ctx.steps.end(r, 'failed', { error: (err as Error).message });
    ctx.status = 'failed';
  }
}

async function heal(ctx: RunContext, name: string): Promise<void> {
  const f = ctx.activeFaults.get(name);
  if (!f) return;
  ctx.activeFaults.delete(name);
  const h = ctx.history!;
  try {
    await f.heal();
    h.record('nemesis', 'fault.healed', { name });
  } catch (err) {
    ctx.activeFaults.set(name, f); // the heal phase retries, then resets Toxiproxy
    h.record('nemesis', 'fault.heal-failed', { name, error: (err as Error).message });
  }
}

async function operate(ctx: RunContext, a: OperatorActionSpec): Promise<void> {
  if (ctx.opts.signal?.aborted) return;
  const h = ctx.history!;
  const unless = a.when.unlessEvent;
  // Only what happened once the faults began counts: the fleet recovering on its own after the
  // trigger, not its first leases at start (users' services' warm-up can make leases lapse and
  // come back before any fault).
  const faultsFrom = faultsPhaseAt(h.events) ?? 0;
  if (unless && h.events.some((e) => e.type === unless && e.t >= faultsFrom)) {
    h.record('operator', 'operator.skipped', { action: a.action, because: unless, scripted: true });
    return;
  }
  const { action, when: _when, ...settings } = a;
  await runOperatorAction(ctx, action, settings, { actor: 'scripted', by: 'scenario runbook' });
}

/**
 * One runbook action, scripted or by a person, recorded the same way: `operator.action` with
 * `actor` (scripted | human), who did it, and what the action returned or the error.
 */
export async function runOperatorAction(ctx: RunContext, action: string, settings: Record<string, unknown>, who: { actor: 'scripted' | 'human'; by: string }): Promise<HistoryEvent> {
  const h = ctx.history!;
  const marks = { actor: who.actor, scripted: who.actor === 'scripted', ...(who.actor === 'human' ? { by: who.by } : {}) };
  const r = ctx.steps.start(`operator ${action}${who.actor === 'human' ? ` (${who.by})` : ''}`);
  try {
    const out = await operatorAction(action).run({ topology: ctx.topology, by: who.by, components: ctx.lab }, settings);
    ctx.steps.end(r, 'ok', { output: out });
    return h.record('operator', 'operator.action', { action, ok: true, ...marks, ...settings, ...out });
  } catch (err) {
    ctx.steps.end(r, 'failed', { error: (err as Error).message });
    return h.record('operator', 'operator.action', { action, ok: false, ...marks, ...settings, error: (err as Error).message });
  }
}

/**
 * Re-arms the outage's trigger when it did not happen (a played game that would otherwise end
 * "no trigger"): every closed-loop trigger fault of the scenario is healed and injected again,
 * with a fresh time to give up. Refused (ConflictError) once the record has gone empty, after an
 * emergency stop, or when the scenario has no such fault. Returns the faults re-armed.
 */
export async function rearmTrigger(ctx: RunContext): Promise<string[]> {
  const h = ctx.history!;
  const empty = h.events.find((e) => e.type === 'route53.record.empty' && e.regional === true);
  if (empty) throw new ConflictError(`the trigger already happened: the regional record went empty at ${(empty.t / 1000).toFixed(1)} s`);
  if (ctx.faultsHalted) throw new ConflictError('the emergency stop halted every fault: nothing is injected any more');
  const triggers = ctx.scenario.faults.filter((f) => faultType(f).trigger === true);
  if (!triggers.length) throw new ConflictError(`scenario ${ctx.scenario.name} has no closed-loop trigger fault to re-arm`);
  const notYet = triggers.filter((f) => !h.events.some((e) => e.type === 'fault.injected' && e.name === f.name));
  if (notYet.length) throw new ConflictError(`the trigger is not armed yet: ${notYet.map((f) => `${f.name} is injected ${(f.atMs / 1000).toFixed(0)} s into the game`).join('; ')}`);
  for (const f of triggers) {
    await heal(ctx, f.name);
    await inject(ctx, f);
  }
  return triggers.map((f) => f.name);
}

/** Heals every active fault now and stops the schedule injecting more (an emergency stop). */
export async function haltFaults(ctx: RunContext): Promise<string[]> {
  ctx.faultsHalted = true;
  const names = [...ctx.activeFaults.keys()];
  await Promise.all(names.map((n) => heal(ctx, n)));
  return names.filter((n) => !ctx.activeFaults.has(n));
}
