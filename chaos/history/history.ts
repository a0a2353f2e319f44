/**
 * The run's one append-only history (timeline.ndjson): every event from every source, each with
 * `t`, milliseconds since the run started. It is the only input to analysis and reports.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { EventParseError, nowMs, parseEvent, type EventFields, type EventType, type HistoryEvent, type HistoryEventOf, type LabEvent } from '../../core/events.ts';

export type { HistoryEvent, HistoryEventOf } from '../../core/events.ts';

export class History {
  private readonly out: WriteStream;
  readonly events: HistoryEvent[] = [];
  private readonly listeners: ((e: HistoryEvent) => void)[] = [];

  constructor(
    readonly path: string,
    readonly startedAt: number,
  ) {
    this.out = createWriteStream(path, { flags: 'a' });
  }

  /** Records an event that happened at `event.ts` (epoch ms). */
  append<E extends LabEvent>(event: E): E & { readonly t: number } {
    const e = { ...event, t: Math.round((event.ts - this.startedAt) * 1000) / 1000 };
    this.events.push(e);
    this.out.write(`${JSON.stringify(e)}\n`);
    for (const l of [...this.listeners]) l(e as HistoryEvent);
    return e;
  }

  /** Records an event from this process, now: one of the catalogue's types, with its fields. */
  record<T extends EventType>(source: string, type: T, fields: EventFields<T>): HistoryEventOf<T> {
    return this.append({ ts: nowMs(), ...fields, source, type } as unknown as LabEvent) as unknown as HistoryEventOf<T>;
  }

  /** Calls `listener` with every event from now on; returns what stops it. */
  onEvent(listener: (e: HistoryEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/**
 * A stored history (timeline.ndjson, or .ndjson.gz), each event validated against the catalogue
 * and sorted by time. Events of a type this version does not know are skipped; a known event with
 * a wrong field is an error naming the line.
 */
export function readHistory(path: string, opts: { order?: 'time' | 'recorded' } = {}): HistoryEvent[] {
  const raw = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  const out: HistoryEvent[] = [];
  for (const [i, line] of raw.split('\n').entries()) {
    if (!line) continue;
    try {
      const e = parseEvent<HistoryEvent>(JSON.parse(line));
      if (e) out.push(e);
    } catch (err) {
      throw new EventParseError(`${path}:${i + 1}: ${(err as Error).message}`);
    }
  }
  return opts.order === 'recorded' ? out : out.sort((a, b) => a.t - b.t);
}
