/**
 * Histories built by hand, for unit tests of what reads them (as Jepsen tests its checkers): an
 * event of the catalogue's type at run time `t`, with whatever fields the test needs.
 */
import type { EventType, HistoryEvent } from '../../core/events.ts';

export function event(t: number, type: EventType, fields: Record<string, unknown> = {}, ts = t): HistoryEvent {
  return { ts, t, source: 'test', type, ...fields } as HistoryEvent;
}
