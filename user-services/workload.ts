/**
 * A service's workload, as its file says: each request kind at its own open-model rate (arrivals
 * due whether or not earlier ones finished), its `{key}` placeholders drawn from the key sets with
 * a seeded random, and the *callers'* retries on top (none, at once N times, or jittered backoff),
 * since callers retry too. A workload request is *good* when it got a 2xx within the SLO's latency
 * bound, retries included; each second's counts go into the history as `service.second`, and a
 * failed answer as `service.error` — the first of each kind in each second, so the analysis finds
 * the first one of any phase (its body quoted: what the service said its SDK raised).
 */
import { Agent, request } from 'undici';
import type { Random } from '../core/random.ts';
import { OpenModelGenerator } from '../loadtests/open-model.ts';
import { SecondAggregator, type SecondStats } from '../loadtests/second-stats.ts';
import type { Endpoint } from '../topology/topology.ts';
import type { ServiceFile } from './service-file.ts';

export interface ServiceSecond extends SecondStats {
  /** 2xx within the SLO's latency bound. */
  readonly good: number;
}

export interface FirstError {
  readonly request: string;
  readonly status: number | null;
  readonly error: string;
}

/** Fills `{key}` placeholders in a string (or, recursively, a JSON template). */
export function fill(template: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof template === 'string') return template.replace(/\{([a-z][a-zA-Z0-9]*)\}/g, (m, k: string) => values[k] ?? m);
  if (Array.isArray(template)) return template.map((t) => fill(t, values));
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, values)]));
  return template;
}

/** The delay before caller retry `attempt` (1-based) under the file's policy: 0 at once, full jitter for backoff. */
export function callerDelayMs(retry: ServiceFile['workload']['callers']['retry'], attempt: number, random: Random): number {
  if (retry.mode !== 'backoff') return 0;
  return random() * Math.min(retry.capMs, retry.baseMs * 2 ** (attempt - 1));
}

/** Attempts a caller makes per request (1: it does not retry). */
export const callerAttempts = (retry: ServiceFile['workload']['callers']['retry']) => (retry.mode === 'none' ? 1 : retry.attempts);

export class ServiceWorkload {
  private readonly agent = new Agent({ connections: 256, keepAliveTimeout: 10_000, connectTimeout: 1000 });
  private readonly generators: OpenModelGenerator[];
  private readonly stats: SecondAggregator;
  private good = 0;
  /** The second in which each kind of error was last recorded. */
  private readonly errorSeconds = new Map<string, number>();

  constructor(
    private readonly file: ServiceFile,
    private readonly endpoint: Endpoint,
    private readonly random: Random,
    onSecond: (s: ServiceSecond) => void,
    private readonly onError: (e: FirstError) => void,
  ) {
    this.stats = new SecondAggregator((s) => {
      onSecond({ ...s, good: this.good });
      this.good = 0;
    });
    const w = file.workload;
    // Enough outstanding requests for every caller to wait out its timeout and retries at the rate asked.
    const maxInFlight = (r: number) => Math.max(16, Math.ceil(r * (w.timeoutMs / 1000) * callerAttempts(w.callers.retry) * 2));
    this.generators = w.requests.map((r) => new OpenModelGenerator({ ratePerSec: r.rate, maxInFlight: maxInFlight(r.rate), job: () => this.call(r), onDropped: () => this.stats.dropped() }));
  }

  private draw(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.file.workload.keys).map(([k, set]) => [k, `${set.prefix}${Math.floor(this.random() * set.count)}`]));
  }

  private async once(r: ServiceFile['workload']['requests'][number], values: Record<string, string>): Promise<{ status: number | null; error?: string }> {
    const { timeoutMs } = this.file.workload;
    try {
      const res = await request(`http://${this.endpoint.address}:${this.endpoint.port}${fill(r.path, values) as string}`, {
        method: r.method,
        dispatcher: this.agent,
        headers: r.body === undefined ? {} : { 'content-type': 'application/json' },
        body: r.body === undefined ? undefined : JSON.stringify(fill(r.body, values)),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      return res.statusCode < 300 ? { status: res.statusCode } : { status: res.statusCode, error: text.slice(0, 500) };
    } catch (err) {
      const code = (err as { code?: string }).code;
      return { status: null, error: code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? `no answer within ${timeoutMs} ms` : `${code ?? 'error'}: ${(err as Error).message}` };
    }
  }

  private async call(r: ServiceFile['workload']['requests'][number]): Promise<void> {
    const started = performance.now();
    const values = this.draw();
    const retry = this.file.workload.callers.retry;
    let last: { status: number | null; error?: string } = { status: null };
    for (let attempt = 1; attempt <= callerAttempts(retry); attempt++) {
      if (attempt > 1) await new Promise((res) => setTimeout(res, callerDelayMs(retry, attempt - 1, this.random)));
      last = await this.once(r, values);
      if (last.error === undefined) break;
    }
    const latencyMs = performance.now() - started;
    if (last.error === undefined) {
      this.stats.ok(latencyMs);
      if (latencyMs <= this.file.slo.latencyMs) this.good++;
      return;
    }
    const kind = last.status === null ? (last.error.startsWith('no answer') ? 'timeout' : 'connect') : `http-${last.status}`;
    this.stats.error(kind);
    const second = Math.floor(performance.now() / 1000);
    if (this.errorSeconds.get(kind) !== second) {
      this.errorSeconds.set(kind, second);
      this.onError({ request: r.name, status: last.status, error: last.error });
    }
  }

  async stop(): Promise<void> {
    const w = this.file.workload;
    await Promise.all(this.generators.map((g) => g.stop(w.timeoutMs * callerAttempts(w.callers.retry) + 500)));
    this.stats.stop();
    await this.agent.close();
  }
}
