/**
 * Service events for the run history. Every service appends notable events to one Redis stream;
 * the runner tails it into the run's timeline.ndjson. Timestamps are taken where the event
 * happened (epoch ms with sub-ms precision), not when the runner read it. The event types and
 * their fields are the catalogue's (core/events.ts).
 */
import type { Redis } from 'ioredis';
import { nowMs } from '../../core/clock.ts';
import type { EventFields, EventType } from '../../core/events.ts';

export const EVENTS_STREAM = 'lab:events';

export { nowMs } from '../../core/clock.ts';
export type { LabEvent } from '../../core/events.ts';

export class EventPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly source: string,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Appends an event of the catalogue with its fields; never throws (a lost event must not break the service). */
  publish<T extends EventType>(type: T, fields: EventFields<T>, ts = nowMs()): void {
    const event = { ts, ...fields, source: this.source, type };
    this.redis.xadd(EVENTS_STREAM, '*', 'e', JSON.stringify(event)).catch(this.onError);
  }
}
