/** Tails the services' event stream in Redis into the history as events arrive. */
import { Redis } from 'ioredis';
import { parseEvent, type LabEvent } from '../../core/events.ts';
import { EVENTS_STREAM } from '../../services/common/events.ts';
import type { History } from '../history/history.ts';

export class EventTail {
  private stopped = false;
  private lastId = '0';
  private readonly loop: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly history: History,
  ) {
    this.loop = this.run();
  }

  private async read(blockMs: number): Promise<number> {
    const res = (await this.redis.xread('COUNT', 2000, 'BLOCK', blockMs, 'STREAMS', EVENTS_STREAM, this.lastId)) as
      | [string, [string, string[]][]][]
      | null;
    if (!res) return 0;
    let n = 0;
    for (const [, entries] of res) {
      for (const [id, fields] of entries) {
        this.lastId = id;
        const json = fields[1];
        const e = json ? parseEvent<LabEvent>(JSON.parse(json)) : undefined;
        if (e) this.history.append(e);
        n++;
      }
    }
    return n;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.read(100);
      } catch {
        if (!this.stopped) await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Reads whatever is left in the stream, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    try {
      while ((await this.read(1)) > 0);
    } catch {
      /* Redis gone: nothing more to read */
    }
    this.redis.disconnect();
  }
}
