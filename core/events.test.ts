/** The event catalogue reads back what it lists, skips what it does not know, and names a wrong field. */
import { describe, expect, it } from 'vitest';
import { byHuman, EVENT_TYPES, GAME_EVENT_TYPES, is, parseEvent, type HistoryEvent } from './events.ts';

describe('event catalogue', () => {
  it('parses a known event, keeping fields it does not list, and applies defaults', () => {
    const e = parseEvent<HistoryEvent>({ ts: 1, t: 0, source: 'load', type: 'load.second', sent: 10, ok: 9, extra: 'kept' });
    expect(e).toMatchObject({ type: 'load.second', sent: 10, ok: 9, errors: {}, extra: 'kept' });
  });

  it('skips an event type it does not know (a history from a newer version)', () => {
    expect(parseEvent({ ts: 1, source: 'x', type: 'something.new', a: 1 })).toBeUndefined();
  });

  it('names the event and the field when a listed field has the wrong type', () => {
    expect(() => parseEvent({ ts: 1, source: 'route53', type: 'route53.record.empty', endpoint: 'x', regional: 'yes' })).toThrow('route53.record.empty event: regional: ');
    expect(() => parseEvent({ source: 'x', type: 'run.stop', reason: 'r' })).toThrow('run.stop: every event needs a numeric ts and a source');
  });

  it('narrows by type: is() filters, byHuman() finds who acted', () => {
    const h = [
      { ts: 1, t: 1, source: 'game', type: 'game.declared', actor: 'human', by: 'alice', severity: 'SEV1' },
      { ts: 2, t: 2, source: 'operator', type: 'operator.action', action: 'restore-dns', ok: true, actor: 'scripted', scripted: true },
      { ts: 3, t: 3, source: 'operator', type: 'operator.action', action: 'throttle-dwfm', ok: true, actor: 'human', by: 'bob' },
    ].map((x) => parseEvent<HistoryEvent>(x)!);
    expect(h.filter(is('operator.action')).map((e) => e.action)).toEqual(['restore-dns', 'throttle-dwfm']);
    expect(h.map(byHuman)).toEqual(['alice', undefined, 'bob']);
    expect(GAME_EVENT_TYPES.every((t) => t.startsWith('game.'))).toBe(true);
    expect(EVENT_TYPES).toContain('fault.trigger.gave-up');
  });
});
