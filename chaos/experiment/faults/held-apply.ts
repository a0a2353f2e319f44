/**
 * The DNS race made to happen — a closed-loop fault, for the scenarios whose premise is the
 * incident (us-east-1, the game day's arms, a played game). `latency` is the open-loop one: the
 * race map measures how often a fixed delay wins the race; here the nemesis reacts to the
 * history so it wins every time, however busy the machine.
 *
 * What the Enactor's code (services/enactor/steps.ts) makes necessary for the empty record: its
 * one-time check passes for plan p, and before its apply of p reaches Route 53 a fast Enactor's
 * cleanup deletes p. So:
 *
 * 1. Enactor #1's link is slow as with `latency`: every answer it gets is `latencyMs` late
 *    (a downstream Toxiproxy latency toxic).
 * 2. Route 53 reports each one-time check that passes (`route53.check.passed`, with who asked and
 *    for which plan). When Enactor #1's passes for p, its answer is still `latencyMs` away; the
 *    nemesis puts a hold on the link's requests (an upstream latency toxic of `holdMaxMs`), so the
 *    apply the Enactor sends once the answer arrives waits in Toxiproxy.
 * 3. When the history shows p deleted (`route53.plan.deleted`), the nemesis removes the hold.
 *    Toxiproxy lets held data through at once when its toxic goes (toxics/latency.go: "Don't
 *    drop any data on the floor"), the apply lands on a deleted plan and the record is empty.
 *
 * If the apply had already left when the hold came (`enactor.round.start` for p stamped before
 * it), the attempt is missed and the next passing check is used. A hold lasts at most `holdMaxMs`
 * (with safeguards on, cleanup never deletes a plan an Enactor leases: the held apply then goes
 * through and fencing refuses it). With no empty record `giveUpAfterMs` after injection, the
 * nemesis stops holding and records `fault.trigger.gave-up` with why — one line in the run's log;
 * the link stays slow until the fault is healed. Every step is a `fault.trigger.*` event.
 */
import { z } from 'zod';
import { nowMs } from '../../../services/common/events.ts';
import { ToxiproxyApiError, type ToxiproxyClient } from '../../../lab/toxiproxy-client.ts';
import type { Topology } from '../../../topology/topology.ts';
import type { EventFields, EventType, HistoryEvent, HistoryEventOf } from '../../../core/events.ts';

type TriggerEventType = Extract<EventType, `fault.trigger.${string}`>;
import { FaultBase, linkClients, unknownLink, type FaultType } from './fault.ts';

export const HeldApplyFaultSchema = z
  .object({
    type: z.literal('held-apply'),
    ...FaultBase,
    /** An Enactor's link to Route 53 (e.g. enactor1-route53). */
    link: z.string().min(1),
    /** How late every answer on the link arrives. The hold must be in place before the passing check's answer arrives, so at least 300 ms. */
    latencyMs: z.number().int().min(300, 'at least 300 ms: the nemesis places its hold while the passing check\'s answer is on its way').max(600_000),
    /** The longest one apply is held waiting for its plan's deletion; then it goes through. */
    holdMaxMs: z.number().int().min(100).max(600_000).default(5000),
    /** Without an empty record this long after injection, the nemesis stops holding and says so. */
    giveUpAfterMs: z.number().int().min(1000).max(3_600_000).default(60_000),
  })
  .strict();

export type HeldApplyFault = z.infer<typeof HeldApplyFaultSchema>;

/** What the loop does to the world (Toxiproxy, the history, timers): real in a run, recorded in a unit test. */
export interface TriggerEffects {
  addHold(): Promise<void>;
  removeHold(): Promise<void>;
  record<T extends TriggerEventType>(type: T, fields: EventFields<T>): void;
  now(): number;
  after(ms: number, fn: () => void): () => void;
}

type Release = 'plan-deleted' | 'hold-expired' | 'missed' | 'gave-up' | 'done';

type State =
  | { readonly kind: 'waiting' }
  /** since: when the hold was in place (Infinity while it is being placed; `released` then says why it went before). */
  | { readonly kind: 'holding'; readonly plan: number; readonly since: number; readonly cancel: () => void; released?: Release }
  | { readonly kind: 'done' }
  | { readonly kind: 'gave-up' };

/**
 * The nemesis's loop for one held-apply fault: fed every history event, it decides when to hold
 * and release Enactor #1's apply. Effects run one at a time, in order.
 */
export class HeldApplyLoop {
  private state: State = { kind: 'waiting' };
  private queue: Promise<void> = Promise.resolve();
  private readonly deleted = new Set<number>();
  private readonly injectedAt: number;
  private holds = 0;
  private missed = 0;
  private refused = 0;
  private readonly cancelGiveUp: () => void;

  constructor(
    private readonly spec: HeldApplyFault,
    private readonly enactor: string,
    private readonly fx: TriggerEffects,
  ) {
    this.injectedAt = fx.now();
    this.cancelGiveUp = fx.after(spec.giveUpAfterMs, () => this.giveUp());
  }

  get over(): boolean {
    return this.state.kind === 'done' || this.state.kind === 'gave-up';
  }

  /** Lets every queued effect finish (a test's and heal's way to wait). */
  settled(): Promise<void> {
    return this.queue;
  }

  private then(fn: () => Promise<void> | void): void {
    this.queue = this.queue.then(fn).catch((err: Error) => this.fx.record('fault.trigger.error', { name: this.spec.name, error: err.message }));
  }

  onEvent(e: HistoryEvent): void {
    if (this.over) return;
    if (e.type === 'route53.record.empty' && e.regional) return this.done(e);
    if (e.type === 'route53.plan.deleted') {
      this.deleted.add(e.generation);
      // While the hold is still being placed, hold() lets it through once it is in place.
      if (this.state.kind === 'holding' && e.generation === this.state.plan && this.state.since !== Infinity) this.release('plan-deleted');
      return;
    }
    if (e.type === 'route53.plan.delete-refused' && this.state.kind === 'holding' && e.generation === this.state.plan) {
      this.refused++;
      return;
    }
    if (e.type === 'route53.check.passed' && e.enactor === this.enactor && this.state.kind === 'waiting') return this.hold(e.plan, e.ts);
    if (e.type === 'enactor.round.start' && e.source === this.enactor && this.state.kind === 'holding' && e.plan === this.state.plan && e.ts < this.state.since) {
      // The apply left before the hold was in place: this attempt cannot be held.
      this.missed++;
      this.release('missed');
    }
  }

  private hold(plan: number, checkTs: number): void {
    this.holds++;
    const state: State & { kind: 'holding' } = { kind: 'holding', plan, since: Infinity, cancel: () => {} };
    this.state = state;
    this.then(async () => {
      await this.fx.addHold();
      if (state.released) {
        await this.fx.removeHold();
        return this.fx.record('fault.trigger.release', { name: this.spec.name, enactor: this.enactor, plan, reason: state.released, heldMs: 0 });
      }
      const since = this.fx.now();
      const cancel = this.fx.after(this.spec.holdMaxMs, () => this.release('hold-expired'));
      this.state = { ...state, since, cancel };
      this.fx.record('fault.trigger.hold', { name: this.spec.name, enactor: this.enactor, plan, afterCheckMs: Math.round(since - checkTs) });
      // Deleted while the hold was being placed: nothing to wait for.
      if (this.deleted.has(plan)) this.release('plan-deleted');
    });
  }

  private release(reason: Release): void {
    const s = this.state;
    if (s.kind !== 'holding') return;
    s.cancel();
    if (reason !== 'done' && reason !== 'gave-up') this.state = { kind: 'waiting' };
    if (s.since === Infinity) return void (s.released = reason); // hold() removes it once it is in place
    this.then(async () => {
      await this.fx.removeHold();
      this.fx.record('fault.trigger.release', { name: this.spec.name, enactor: this.enactor, plan: s.plan, reason, heldMs: Math.round(this.fx.now() - s.since) });
    });
  }

  private done(e: HistoryEventOf<'route53.record.empty'>): void {
    this.release('done');
    this.state = { kind: 'done' };
    this.cancelGiveUp();
    this.then(() =>
      this.fx.record('fault.trigger.done', { name: this.spec.name, enactor: this.enactor, afterMs: Math.round(e.ts - this.injectedAt), holds: this.holds, missed: this.missed, by: e.enactor ?? null, cause: e.cause ?? null }),
    );
  }

  private giveUp(): void {
    if (this.over) return;
    this.release('gave-up');
    this.state = { kind: 'gave-up' };
    const why =
      this.holds === 0
        ? `no one-time check of ${this.enactor}'s passed`
        : this.refused > 0
          ? `${this.enactor}'s apply was held ${this.holds} time${this.holds === 1 ? '' : 's'}, but cleanup refused to delete the held plan (${this.refused} refusal${this.refused === 1 ? '' : 's'}: safeguards on?)`
          : `${this.enactor}'s apply was held ${this.holds} time${this.holds === 1 ? '' : 's'}${this.missed ? ` (${this.missed} missed)` : ''}, and no held plan was deleted in time`;
    this.then(() => this.fx.record('fault.trigger.gave-up', { name: this.spec.name, enactor: this.enactor, afterMs: this.spec.giveUpAfterMs, holds: this.holds, missed: this.missed, reason: why }));
  }

  /** Stops the loop (the fault is healed); a hold in place is removed. */
  async stop(): Promise<void> {
    this.cancelGiveUp();
    const s = this.state;
    if (s.kind === 'holding') {
      s.cancel();
      s.released ??= 'gave-up';
    }
    if (!this.over) this.state = { kind: 'gave-up' };
    await this.queue;
    if (s.kind === 'holding') await this.fx.removeHold();
  }
}

function enactorLink(topology: Topology, link: string): string | undefined {
  const l = topology.links.find((x) => x.name === link);
  if (!l) return unknownLink(topology, link);
  if (l.to !== 'route53' || !l.from.startsWith('enactor')) {
    const ok = topology.links.filter((x) => x.to === 'route53').map((x) => x.name);
    return `held-apply holds an Enactor's apply to Route 53; "${link}" is ${l.from} → ${l.to}: use one of ${ok.join(', ')}`;
  }
  return undefined;
}

async function removeToxic(toxiproxy: ToxiproxyClient, link: string, name: string): Promise<void> {
  try {
    await toxiproxy.removeToxic(link, name);
  } catch (err) {
    if (!(err instanceof ToxiproxyApiError && err.status === 404)) throw err;
  }
}

export const heldApply: FaultType<HeldApplyFault> = {
  type: 'held-apply',
  trigger: true,
  validate: (spec, topology) => enactorLink(topology, spec.link),
  affects: (spec, topology) => linkClients(topology, [spec.link]),
  async inject(ctx, spec) {
    const enactor = ctx.topology.links.find((l) => l.name === spec.link)!.from;
    const slow = `fault-${spec.name}-slow`;
    const hold = `fault-${spec.name}-hold`;
    await ctx.toxiproxy.addToxic(spec.link, { name: slow, type: 'latency', stream: 'downstream', attributes: { latency: spec.latencyMs, jitter: 0 } });
    const timers = new Set<NodeJS.Timeout>();
    const loop = new HeldApplyLoop(spec, enactor, {
      // The hold's own latency lets the apply through even if the harness is gone; the nemesis
      // normally removes it well before.
      addHold: () => ctx.toxiproxy.addToxic(spec.link, { name: hold, type: 'latency', stream: 'upstream', attributes: { latency: spec.holdMaxMs + 1000, jitter: 0 } }).then(() => undefined),
      removeHold: () => removeToxic(ctx.toxiproxy, spec.link, hold),
      record: (type, fields) => void ctx.history.record('nemesis', type, fields),
      now: nowMs,
      after: (ms, fn) => {
        const t = setTimeout(() => {
          timers.delete(t);
          fn();
        }, ms);
        timers.add(t);
        return () => {
          clearTimeout(t);
          timers.delete(t);
        };
      },
    });
    const unsubscribe = ctx.history.onEvent((e) => loop.onEvent(e));
    let healed = false;
    return {
      async heal() {
        if (healed) return;
        unsubscribe();
        await loop.stop();
        for (const t of timers) clearTimeout(t);
        await removeToxic(ctx.toxiproxy, spec.link, hold);
        await removeToxic(ctx.toxiproxy, spec.link, slow);
        healed = true;
      },
    };
  },
};
