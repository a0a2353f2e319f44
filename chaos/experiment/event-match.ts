/**
 * Naming history events in scenario files: an event type of the catalogue (core/events.ts; a
 * misspelt one would wait forever, so it is refused) and the fields an event must have to count.
 * Operator triggers, stop conditions and event-triggered faults share them.
 */
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../../core/events.ts';

export const EventName = z.enum(EVENT_TYPES as [EventType, ...EventType[]], {
  error: (i) => `${JSON.stringify(i.input)} is not an event of the history; events are listed in core/events.ts (e.g. canary.alert, route53.record.restored, dwfm.leases.all-valid)`,
});

/** Only events whose fields equal these, e.g. { regional: true }. */
export const Match = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
