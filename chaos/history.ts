/**
 * The run's one append-only history (timeline.ndjson): every event from every source, each with
 * `t`, milliseconds since the run started. It is the only input to analysis and reports.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { nowMs, type LabEvent } from '../services/common/events.ts';

export interface HistoryEvent extends LabEvent {
  /** ms since the run started */
  readonly t: number;
}

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
  append(event: LabEvent): HistoryEvent {
    const e: HistoryEvent = { ...event, t: Math.round((event.ts - this.startedAt) * 1000) / 1000 };
    this.events.push(e);
    this.out.write(`${JSON.stringify(e)}\n`);
    for (const l of [...this.listeners]) l(e);
    return e;
  }

  /** Records an event from this process, now. */
  record(source: string, type: string, fields: Record<string, unknown> = {}): HistoryEvent {
    return this.append({ ts: nowMs(), ...fields, source, type });
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

export function readHistory(path: string): HistoryEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HistoryEvent)
    .sort((a, b) => a.t - b.t);
}
