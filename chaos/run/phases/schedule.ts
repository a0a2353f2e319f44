/**
 * Phase 4: the fault schedule (the nemesis) and the runbook's operator actions, each when due, and
 * the stop conditions; resolves when the run stops. Faults are events in the same history as
 * everything else, with start and end markers.
 */
import { nowMs } from '../../../services/common/events.ts';
import { faultType, type FaultSpec } from '../../faults/index.ts';
import type { HistoryEvent } from '../../history.ts';
import { operatorAction } from '../../operator/index.ts';
import type { OperatorActionSpec } from '../../scenario.ts';
import type { RunContext } from '../context.ts';

const matches = (e: HistoryEvent, type: string, match: Record<string, unknown>) => e.type === type && Object.entries(match).every(([k, v]) => e[k] === v);

/**
 * Arms the run's end: the max duration and an interrupt now, the stop conditions once faults
 * begin. Returns what to call when the run is over (the interrupt listener is the caller's signal's).
 */
export function armRunEnd(ctx: RunContext): () => void {
  let finish: (why: string) => void = () => {};
  const onAbort = () => finish('interrupted');
  ctx.stopped = new Promise<string>((resolve) => {
    finish = resolve;
    ctx.timers.push(setTimeout(() => resolve(`max duration ${ctx.scenario.stop.maxDurationMs} ms reached`), ctx.scenario.stop.maxDurationMs));
  });
  ctx.opts.signal?.addEventListener('abort', onAbort, { once: true });
  ctx.stop = finish;
  return () => ctx.opts.signal?.removeEventListener('abort', onAbort);
}

export async function schedule(ctx: RunContext): Promise<void> {
  const h = ctx.history!;
  const from = h.record('runner', 'run.phase', { phase: 'faults' }).t;
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
          ctx.timers.push(setTimeout(() => ctx.stop!(`${cond.delayMs} ms after ${cond.allOf.join(' and ')}${cond.notDuring.length ? ` with no ${cond.notDuring.map((w) => w.from).join(', ')} open` : ''}`), cond.delayMs));
        }
      });
      continue;
    }
    let armed = cond.after === undefined;
    h.onEvent((e) => {
      if (e.t < from) return;
      if (!armed && e.type === cond.after) armed = true;
      if (!armed || !matches(e, cond.event, cond.match)) return;
      ctx.timers.push(setTimeout(() => ctx.stop!(`${cond.delayMs} ms after ${cond.event}`), cond.delayMs));
    });
  }
  const at = (ms: number, fn: () => void) => ctx.timers.push(setTimeout(fn, Math.max(0, h.startedAt + ms - nowMs())));
  for (const f of ctx.scenario.faults) at(f.atMs, () => void inject(ctx, f));
  for (const a of ctx.scenario.operator) {
    const trigger = a.when;
    if ('atMs' in trigger) at(trigger.atMs, () => void operate(ctx, a));
    else {
      let fired = false;
      h.onEvent((e) => {
        if (fired || !matches(e, trigger.afterEvent, trigger.match)) return;
        fired = true;
        ctx.timers.push(setTimeout(() => void operate(ctx, a), trigger.delayMs));
      });
    }
  }
  const why = await ctx.stopped!;
  h.record('runner', 'run.stop', { reason: why });
  if (why === 'interrupted') ctx.status = 'interrupted';
}

async function inject(ctx: RunContext, f: FaultSpec): Promise<void> {
  if (ctx.opts.signal?.aborted) return;
  const h = ctx.history!;
  const r = ctx.steps.start(`inject ${f.name}`);
  try {
    const type = faultType(f);
    const active = await type.inject({ toxiproxy: ctx.lab!.toxiproxy, topology: ctx.topology, components: ctx.lab! }, f);
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
  if (unless && h.events.some((e) => e.type === unless)) {
    h.record('operator', 'operator.skipped', { action: a.action, because: unless, scripted: true });
    return;
  }
  const r = ctx.steps.start(`operator ${a.action}`);
  try {
    const { action, when: _when, ...settings } = a;
    const out = await operatorAction(action).run({ topology: ctx.topology, by: 'scenario runbook', components: ctx.lab }, settings);
    h.record('operator', 'operator.action', { action, ok: true, scripted: true, ...out });
    ctx.steps.end(r, 'ok', { output: out });
  } catch (err) {
    h.record('operator', 'operator.action', { action: a.action, ok: false, scripted: true, error: (err as Error).message });
    ctx.steps.end(r, 'failed', { error: (err as Error).message });
  }
}
