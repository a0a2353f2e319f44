/** Requests to act (pure logic): every bad one is refused with the field and the fix. */
import { describe, expect, it } from 'vitest';
import { OPERATOR_ACTIONS } from '../../chaos/experiment/operator/index.ts';
import { ACT_NAMES, parseActRequest } from './index.ts';

describe('acts', () => {
  it('derive a runbook act from every operator action, beside the game controls', () => {
    for (const a of OPERATOR_ACTIONS) expect(ACT_NAMES).toContain(a.action);
    expect(ACT_NAMES.slice(0, 7)).toEqual(['start', 'end', 'emergency-stop', 'rearm-trigger', 'declare', 'name-cause', 'note']);
  });

  it('parse a good request with its defaults', () => {
    const r = parseActRequest({ act: 'throttle-dwfm', by: 'alice', maxConcurrency: 40 });
    expect(r.act.act).toBe('throttle-dwfm');
    expect(r.settings).toEqual({ maxConcurrency: 40, maxPerSec: null, restart: true });
    expect(parseActRequest({ act: 'restart', by: 'bob', component: 'dwfm' }).settings).toEqual({ component: 'dwfm' });
  });

  it("throttle-dwfm pressed as it comes is the runbook's throttle (the scripted arms' 40 batches in flight, DWFM restarted)", () => {
    expect(parseActRequest({ act: 'throttle-dwfm', by: 'alice' }).settings).toEqual({ maxPerSec: null, maxConcurrency: 40, restart: true });
    expect(parseActRequest({ act: 'throttle-dwfm', by: 'alice', maxPerSec: 500 }).settings).toEqual({ maxPerSec: 500, maxConcurrency: 40, restart: true });
  });

  it.each([
    [null, /must be a JSON object/],
    [[1], /must be a JSON object/],
    [{ by: 'x' }, /^act: missing/],
    [{ act: 'nope', by: 'x' }, /^act: unknown act "nope"; acts are start, end/],
    [{ act: 'declare' }, /^by: say who acts/],
    [{ act: 'declare', by: '<script>' }, /^by: letters, digits/],
    [{ act: 'declare', by: 'x', severity: 'SEV9' }, /^severity: /],
    [{ act: 'restart', by: 'x', component: 'aws' }, /^component: /],
    [{ act: 'restore-dns', by: 'x', force: 1 }, /unknown field "force" for restore-dns; its fields are none/],
    [{ act: 'note', by: 'x', text: '   ' }, /^text: write something/],
    // The console's cause choice starts empty: confirming it unread sends no cause.
    [{ act: 'name-cause', by: 'x' }, /^cause: choose one of the causes: dns-empty-record, /],
    [{ act: 'throttle-dwfm', by: 'x', maxConcurrency: -1 }, /^maxConcurrency: /],
    [{ act: 'throttle-dwfm', by: 'x', maxPerSec: null, maxConcurrency: null }, /^maxPerSec and maxConcurrency are both null: that throttles nothing.*set at least one \(the runbook's: maxConcurrency=40\)/],
  ])('refuses %j', (body, message) => {
    expect(() => parseActRequest(body)).toThrow(message);
  });
});
