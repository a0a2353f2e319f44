/**
 * The closed-loop trigger's decisions on histories built by hand (its effects recorded, timers
 * driven by the test): when it holds, when it lets the apply through, when an attempt is missed,
 * and when it gives up and why. The real thing — Toxiproxy holding a real apply — is measured in
 * chaos/trigger.lab.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../core/events.ts';
import { event } from '../../history/testing.ts';
import type { HistoryEvent } from '../../history/history.ts';
import { HeldApplyFaultSchema, HeldApplyLoop, type TriggerEffects } from './held-apply.ts';

function world() {
  let now = 1000;
  const log: string[] = [];
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const fx: TriggerEffects = {
    addHold: async () => void log.push('add-hold'),
    removeHold: async () => void log.push('remove-hold'),
    record: (type, fields) => void log.push(`${type} ${JSON.stringify(fields)}`),
    now: () => now,
    after: (ms, fn) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => void (t.live = false);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers) if (t.live && t.at <= now) {
      t.live = false;
      t.fn();
    }
  };
  return { fx, log, advance, at: () => now };
}

const spec = HeldApplyFaultSchema.parse({ type: 'held-apply', name: 'enactor1-slow', link: 'enactor1-route53', atMs: 4000, latencyMs: 1100 });
const ev = (ts: number, type: EventType, fields: Record<string, unknown> = {}): HistoryEvent => event(ts, type, fields);

describe('held-apply: the closed loop', () => {
  it('holds the apply of a passed check until that plan is deleted, then lets it through; done at the empty record', async () => {
    const w = world();
    const loop = new HeldApplyLoop(spec, 'enactor1', w.fx);
    loop.onEvent(ev(1001, 'route53.check.passed', { enactor: 'enactor2', plan: 7 })); // another Enactor: ignored
    loop.onEvent(ev(1002, 'route53.check.passed', { enactor: 'enactor1', plan: 7 }));
    await loop.settled();
    expect(w.log).toEqual(['add-hold', expect.stringMatching(/^fault.trigger.hold .*"plan":7/)]);
    w.advance(1100);
    loop.onEvent({ ...ev(w.at(), 'enactor.round.start', { plan: 7 }), source: 'enactor1' }); // sent after the hold: held
    loop.onEvent(ev(w.at(), 'route53.plan.deleted', { generation: 6 }));
    await loop.settled();
    expect(w.log).toHaveLength(2);
    w.advance(50);
    loop.onEvent(ev(w.at(), 'route53.plan.deleted', { generation: 7 }));
    await loop.settled();
    expect(w.log.slice(2)).toEqual(['remove-hold', expect.stringMatching(/^fault.trigger.release .*"reason":"plan-deleted".*"heldMs":1150/)]);
    loop.onEvent(ev(w.at(), 'route53.record.empty', { regional: true, enactor: 'enactor1', cause: 'apply' }));
    await loop.settled();
    expect(w.log.at(-1)).toMatch(/^fault.trigger.done .*"holds":1,"missed":0,"by":"enactor1","cause":"apply"/);
    expect(loop.over).toBe(true);
    // Nothing more happens after it is done, not even the give-up.
    w.advance(60_000);
    loop.onEvent(ev(w.at(), 'route53.check.passed', { enactor: 'enactor1', plan: 9 }));
    await loop.settled();
    expect(w.log.at(-1)).toMatch(/^fault.trigger.done/);
  });

  it('an apply that left before the hold is a missed attempt: the hold goes and the next passing check is used', async () => {
    const w = world();
    const loop = new HeldApplyLoop(spec, 'enactor1', w.fx);
    loop.onEvent(ev(1000, 'route53.check.passed', { enactor: 'enactor1', plan: 3 }));
    await loop.settled();
    loop.onEvent({ ...ev(999, 'enactor.round.start', { plan: 3 }), source: 'enactor1' });
    await loop.settled();
    expect(w.log.slice(2)).toEqual(['remove-hold', expect.stringMatching(/"reason":"missed"/)]);
    loop.onEvent(ev(w.at(), 'route53.check.passed', { enactor: 'enactor1', plan: 8 }));
    await loop.settled();
    expect(w.log.at(-1)).toMatch(/^fault.trigger.hold .*"plan":8/);
  });

  it('a plan deleted while the hold was being placed is let through at once', async () => {
    const w = world();
    const loop = new HeldApplyLoop(spec, 'enactor1', w.fx);
    loop.onEvent(ev(1000, 'route53.check.passed', { enactor: 'enactor1', plan: 3 }));
    loop.onEvent(ev(1000, 'route53.plan.deleted', { generation: 3 })); // before addHold resolved
    await loop.settled();
    await loop.settled();
    expect(w.log).toEqual(['add-hold', expect.stringMatching(/^fault.trigger.hold/), 'remove-hold', expect.stringMatching(/"reason":"plan-deleted"/)]);
  });

  it('with safeguards on (cleanup refuses the leased plan) each hold expires, and it gives up naming why', async () => {
    const w = world();
    const loop = new HeldApplyLoop(spec, 'enactor1', w.fx);
    for (let i = 0; i < 4; i++) {
      loop.onEvent(ev(w.at(), 'route53.check.passed', { enactor: 'enactor1', plan: 10 + i }));
      await loop.settled();
      loop.onEvent(ev(w.at(), 'route53.plan.delete-refused', { generation: 10 + i, reason: 'leased' }));
      w.advance(spec.holdMaxMs);
      await loop.settled();
      expect(w.log.at(-1)).toMatch(/"reason":"hold-expired","heldMs":5000/);
      w.advance(2000);
    }
    w.advance(spec.giveUpAfterMs);
    await loop.settled();
    expect(loop.over).toBe(true);
    expect(w.log.at(-1)).toMatch(/^fault.trigger.gave-up .*"holds":4.*cleanup refused to delete the held plan \(4 refusals: safeguards on\?\)/);
  });

  it('gives up when no check of the Enactor ever passes', async () => {
    const w = world();
    const loop = new HeldApplyLoop(spec, 'enactor1', w.fx);
    w.advance(spec.giveUpAfterMs);
    await loop.settled();
    expect(w.log).toEqual([expect.stringMatching(/^fault.trigger.gave-up .*no one-time check of enactor1's passed/)]);
  });

  it('stop() (the fault healed) removes a hold in place and records nothing more', async () => {
    const w = world();
    const loop = new HeldApplyLoop(spec, 'enactor1', w.fx);
    loop.onEvent(ev(1000, 'route53.check.passed', { enactor: 'enactor1', plan: 3 }));
    await loop.settled();
    await loop.stop();
    expect(w.log.slice(2)).toEqual(['remove-hold']);
    w.advance(100_000);
    expect(w.log).toHaveLength(3);
  });

  it('refuses a latency too short for the hold to get in first', () => {
    const r = HeldApplyFaultSchema.safeParse({ type: 'held-apply', name: 'x', link: 'enactor1-route53', atMs: 0, latencyMs: 100 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/at least 300 ms/);
  });
});
