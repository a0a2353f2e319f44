/**
 * A thin typed client for Toxiproxy's HTTP API (v2). We do not use toxiproxy-node-client: its
 * types make optional fields required and its errors drop the status code and Toxiproxy's own
 * message, which are exactly what an operator needs when a fault cannot be injected or healed.
 */
import { request } from 'undici';
import type { ProxyConfig } from '../topology/toxiproxy-proxies.ts';

export type ToxicType = 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
export type ToxicStream = 'upstream' | 'downstream';

export interface ToxicSpec {
  readonly name: string;
  readonly type: ToxicType;
  /** Defaults to downstream (server → client). */
  readonly stream?: ToxicStream;
  /** Share of connections affected, 0–1 (default 1). */
  readonly toxicity?: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export interface Toxic extends Required<ToxicSpec> {}

export interface Proxy {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: readonly Toxic[];
}

export class ToxiproxyApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Toxiproxy ${method} ${path} failed with HTTP ${status}: ${detail}`);
    this.name = 'ToxiproxyApiError';
  }
}

export class ToxiproxyClient {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res;
    try {
      res = await request(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
    } catch (err) {
      throw new ToxiproxyApiError(method, path, 0, `cannot reach Toxiproxy at ${this.baseUrl} (${(err as Error).message}); is the lab up?`);
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      let detail = text.trim();
      try {
        const parsed = JSON.parse(text) as { error?: string };
        if (parsed.error) detail = parsed.error;
      } catch {
        /* plain-text error body */
      }
      throw new ToxiproxyApiError(method, path, res.statusCode, detail || '(empty body)');
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates or replaces the given proxies (Toxiproxy's /populate is idempotent per name). */
  async populate(proxies: readonly ProxyConfig[]): Promise<Proxy[]> {
    const out = await this.call<{ proxies: Proxy[] }>('POST', '/populate', proxies);
    return out.proxies;
  }

  async proxies(): Promise<Record<string, Proxy>> {
    return this.call('GET', '/proxies');
  }

  proxy(name: string): Promise<Proxy> {
    return this.call('GET', `/proxies/${encodeURIComponent(name)}`);
  }

  createProxy(p: ProxyConfig): Promise<Proxy> {
    return this.call('POST', '/proxies', p);
  }

  setEnabled(name: string, enabled: boolean): Promise<Proxy> {
    return this.call('POST', `/proxies/${encodeURIComponent(name)}`, { enabled });
  }

  async deleteProxy(name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(name)}`);
  }

  addToxic(proxy: string, toxic: ToxicSpec): Promise<Toxic> {
    return this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, {
      stream: 'downstream',
      toxicity: 1,
      ...toxic,
    });
  }

  async removeToxic(proxy: string, toxic: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
  }

  /** Enables every proxy and removes every toxic: the heal-all of last resort. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }
}
