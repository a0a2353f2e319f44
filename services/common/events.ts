/**
 * Service events for the run history. Every service appends notable events to one Redis stream;
 * the runner tails it into the run's timeline.ndjson. Timestamps are taken where the event
 * happened (epoch ms with sub-ms precision), not when the runner read it.
 */
import type { Redis } from 'ioredis';

export const EVENTS_STREAM = 'lab:events';

export interface LabEvent {
  /** Epoch milliseconds (fractional). */
  readonly ts: number;
  /** Who emitted it: a service name, "runner", "canary", "load", "nemesis", "operator". */
  readonly source: string;
  /** Dotted kind, e.g. "route53.record.empty", "fault.injected". */
  readonly type: string;
  readonly [field: string]: unknown;
}

export const nowMs = (): number => performance.timeOrigin + performance.now();

export class EventPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly source: string,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Appends an event; never throws (a lost event must not break the service). */
  publish(type: string, fields: Record<string, unknown> = {}, ts = nowMs()): LabEvent {
    const event: LabEvent = { ts, ...fields, source: this.source, type };
    this.redis.xadd(EVENTS_STREAM, '*', 'e', JSON.stringify(event)).catch(this.onError);
    return event;
  }
}
