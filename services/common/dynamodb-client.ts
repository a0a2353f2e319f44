/**
 * A DynamoDB stand-in client as SDKs behave: it resolves the endpoint's name through the lab's
 * CoreDNS on every call (answers cached for their TTL), spreads calls over the addresses it got,
 * and keeps connections alive per address. A call that exceeds `timeoutMs` is abandoned, not
 * aborted: the caller stops waiting while the request stays on the wire and is still served (its
 * late answer discarded), as DESIGN §3 requires for an honest herd.
 */
import { Agent, request } from 'undici';
import type { TtlDnsCache } from '../../dns/ttl-cache.ts';

export type CallError = 'dns-empty' | 'dns-nxdomain' | 'dns-error' | 'timeout' | 'connect' | 'throttled' | 'dropped' | 'server-error';

export type CallOutcome =
  | { readonly ok: true; readonly status: number; readonly body: unknown; readonly latencyMs: number }
  | { readonly ok: false; readonly error: CallError; readonly status?: number; readonly detail: string; readonly latencyMs: number };

export interface DynamoClientOptions {
  readonly name: string;
  readonly port: number;
  readonly dns: TtlDnsCache;
  /** Connections per address and requests pipelined on each: together, the client's in-flight cap. */
  readonly connections: number;
  readonly pipelining?: number;
}

const itemPath = (table: string, key: string) => `/v1/items/${encodeURIComponent(table)}/${encodeURIComponent(key)}`;

export class DynamoClient {
  private readonly agent: Agent;
  private next = 0;
  /** Requests sent (including abandoned ones still on the wire). */
  sent = 0;
  /** Late answers to requests the caller had already given up on. */
  lateAnswers = 0;

  constructor(private readonly opts: DynamoClientOptions) {
    this.agent = new Agent({ connections: opts.connections, pipelining: opts.pipelining ?? 1, keepAliveTimeout: 30_000, connectTimeout: 2000 });
  }

  get(table: string, key: string, timeoutMs: number): Promise<CallOutcome> {
    return this.call('GET', itemPath(table, key), undefined, timeoutMs);
  }

  put(table: string, key: string, value: unknown, timeoutMs: number, condition?: { absent: true } | { version: number }): Promise<CallOutcome> {
    return this.call('PUT', itemPath(table, key), condition ? { value, condition } : { value }, timeoutMs);
  }

  /** Writes up to 100 items in one request (each costs one unit of the server's capacity). */
  batch(table: string, items: readonly { key: string; value: unknown }[], timeoutMs: number): Promise<CallOutcome> {
    return this.call('POST', `/v1/batch/${encodeURIComponent(table)}`, { items }, timeoutMs);
  }

  async call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body: unknown, timeoutMs: number): Promise<CallOutcome> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const answer = await this.opts.dns.resolve(this.opts.name);
    if (answer.outcome !== 'ok') {
      const error: CallError = answer.outcome === 'empty' ? 'dns-empty' : answer.outcome === 'nxdomain' ? 'dns-nxdomain' : 'dns-error';
      return { ok: false, error, detail: `${this.opts.name}: ${answer.code ?? answer.outcome}`, latencyMs: elapsed() };
    }
    const address = answer.addresses[this.next++ % answer.addresses.length]!;
    const deadline = Date.now() + timeoutMs;
    this.sent++;
    let timedOut = false;
    const exchange = (async (): Promise<CallOutcome> => {
      try {
        const res = await request(`http://${address}:${this.opts.port}${path}`, {
          method,
          dispatcher: this.agent,
          headers: { host: this.opts.name, 'x-client-deadline': String(deadline), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          headersTimeout: Math.max(60_000, timeoutMs * 10),
          bodyTimeout: Math.max(60_000, timeoutMs * 10),
        });
        const text = await res.body.text();
        if (timedOut) this.lateAnswers++;
        const parsed = text ? (JSON.parse(text) as { error?: string }) : undefined;
        if (res.statusCode < 500) return { ok: true, status: res.statusCode, body: parsed, latencyMs: elapsed() };
        const error: CallError = res.statusCode === 503 ? 'throttled' : res.statusCode === 504 ? 'dropped' : 'server-error';
        return { ok: false, error, status: res.statusCode, detail: parsed?.error ?? `HTTP ${res.statusCode}`, latencyMs: elapsed() };
      } catch (err) {
        return { ok: false, error: 'connect', detail: `${address}: ${(err as Error).message}`, latencyMs: elapsed() };
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<CallOutcome>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve({ ok: false, error: 'timeout', detail: `no answer within ${timeoutMs} ms`, latencyMs: elapsed() });
      }, timeoutMs);
    });
    const outcome = await Promise.race([exchange, giveUp]);
    clearTimeout(timer);
    return outcome;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** Drops every queued and in-flight request at once (their callers see connect errors). */
  destroy(): Promise<void> {
    return this.agent.destroy();
  }
}
