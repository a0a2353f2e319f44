/**
 * The console's message log, streamed to every browser as Server-Sent Events. Every message has
 * an id; a browser that reconnects sends the last id it saw (EventSource's Last-Event-ID) and gets
 * only what it missed; a new browser gets everything since the last reset (a new game-day arm),
 * so every browser draws the same game.
 */
import type { ServerResponse } from 'node:http';
import type { ConsoleMessage } from './view.ts';

interface Entry {
  readonly id: number;
  readonly data: string;
}

export class ConsoleStream {
  private log: Entry[] = [];
  private nextId = 1;
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // A comment line now and then keeps idle connections (and proxies) from timing out.
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.log.length;
  }

  get subscribers(): number {
    return this.clients.size;
  }

  /** Streams messages; each carries `h`, when it was pushed (its history event recorded), for the browsers' delay. */
  push(messages: readonly ConsoleMessage[]): void {
    const h = Date.now();
    for (const m of messages) {
      if (m.k === 'reset') this.log = [];
      const entry = { id: this.nextId++, data: JSON.stringify({ ...m, h }) };
      this.log.push(entry);
      const frame = format(entry);
      for (const c of this.clients) c.write(frame);
    }
  }

  /** Streams to `res`: what it has not seen (after `lastEventId`, else everything), then every new message. */
  subscribe(res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const last = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : 0;
    // An id from before the last reset (or from another game) sends everything there is.
    const from = this.log.length && last >= this.log[0]!.id - 1 && last < this.nextId ? last : 0;
    for (const e of this.log) if (e.id > from) res.write(format(e));
    // Everything after this arrives as it happens (browsers measure their delay from here on).
    res.write('event: live\ndata: {}\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

const format = (e: Entry) => `id: ${e.id}\ndata: ${e.data}\n\n`;
