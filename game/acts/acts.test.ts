/** Requests to act (pure logic): every bad one is refused with the field and the fix. */
import { describe, expect, it } from 'vitest';
import { OPERATOR_ACTIONS } from '../../chaos/operator/index.ts';
import { ACT_NAMES, parseActRequest } from './index.ts';

describe('acts', () => {
  it('derive a runbook act from every operator action, beside the game controls', () => {
    for (const a of OPERATOR_ACTIONS) expect(ACT_NAMES).toContain(a.action);
    expect(ACT_NAMES.slice(0, 6)).toEqual(['start', 'end', 'emergency-stop', 'declare', 'name-cause', 'note']);
  });

  it('parse a good request with its defaults', () => {
    const r = parseActRequest({ act: 'throttle-dwfm', by: 'alice', maxConcurrency: 40 });
    expect(r.act.act).toBe('throttle-dwfm');
    expect(r.settings).toEqual({ maxConcurrency: 40, maxPerSec: null, restart: true });
    expect(parseActRequest({ act: 'restart', by: 'bob', component: 'dwfm' }).settings).toEqual({ component: 'dwfm' });
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
    [{ act: 'throttle-dwfm', by: 'x', maxConcurrency: -1 }, /^maxConcurrency: /],
  ])('refuses %j', (body, message) => {
    expect(() => parseActRequest(body)).toThrow(message);
  });
});
