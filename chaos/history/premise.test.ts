/** The premise check fails on a history without the outage, naming why (hand-built histories). */
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../core/events.ts';
import { event } from './testing.ts';
import type { HistoryEvent } from './history.ts';
import { assertTriggered } from './premise.ts';

const ev = (t: number, type: EventType, fields: Record<string, unknown> = {}): HistoryEvent => event(t, type, fields);
const injected = ev(4000, 'fault.injected', { name: 'enactor1-slow', faultType: 'held-apply' });

describe('assertTriggered', () => {
  it('passes with the empty regional record and returns it', () => {
    const empty = ev(6000, 'route53.record.empty', { regional: true, enactor: 'enactor1' });
    expect(assertTriggered([injected, ev(5000, 'route53.record.empty', { regional: false }), empty])).toBe(empty);
  });
  it('fails when the trigger gave up, quoting why', () => {
    expect(() => assertTriggered([injected, ev(64000, 'fault.trigger.gave-up', { afterMs: 60000, reason: "no one-time check of enactor1's passed" })], 'arm naive')).toThrow(
      "premise: the trigger did not happen in arm naive: it gave up after 60 s: no one-time check of enactor1's passed",
    );
  });
  it('fails when the run ended first, and when the empty record was left to chance (open loop)', () => {
    expect(() => assertTriggered([injected, ev(4500, 'fault.trigger.hold')])).toThrow(/no empty record before the run ended \(1 hold of the apply\)/);
    expect(() => assertTriggered([ev(4000, 'fault.injected', { faultType: 'latency' }), ev(6000, 'route53.record.empty', { regional: true })])).toThrow(/no closed-loop trigger \(a held-apply fault\): the empty record would be left to chance/);
  });
  it('fails when the run stopped before any fault, quoting its error', () => {
    expect(() => assertTriggered([ev(83000, 'run.error', { error: 'service orders-node did not meet its SLO' })], 'the four examples')).toThrow(
      'premise: the four examples has no closed-loop trigger (a held-apply fault): the run stopped before any fault — service orders-node did not meet its SLO',
    );
  });
});
