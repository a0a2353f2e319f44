/**
 * Every call to Toxiproxy's HTTP API goes through toxiproxy-node-client, wrapped where it falls
 * short: its errors say only "Request failed with status code 404", so its HTTP client is given a
 * fetch that keeps the status and Toxiproxy's own message (what an operator needs when a fault
 * cannot be injected or healed), and a timeout. Results are plain JSON objects.
 */
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
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

const TIMEOUT_MS = 5000;

/** The library's HTTP client with a fetch that keeps Toxiproxy's status and message. */
function richApi(toxiproxy: Toxiproxy, baseUrl: string): void {
  const api = toxiproxy.getApi() as unknown as { doFetch(url: string, init: RequestInit): Promise<Response> };
  api.doFetch = async (url, init) => {
    const method = init.method ?? 'GET';
    const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url;
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new ToxiproxyApiError(method, path, 0, `cannot reach Toxiproxy at ${baseUrl} (${cause}); is the lab up?`);
    }
    if (!res.ok) {
      const text = (await res.text()).trim();
      let detail = text;
      try {
        const parsed = JSON.parse(text) as { error?: string };
        if (parsed.error) detail = parsed.error;
      } catch {
        /* plain-text error body */
      }
      throw new ToxiproxyApiError(method, path, res.status, detail || '(empty body)');
    }
    return res;
  };
}

const json = (p: { toJson(): unknown }) => p.toJson() as Proxy;

export class ToxiproxyClient {
  private readonly client: Toxiproxy;

  constructor(readonly baseUrl: string) {
    this.client = new Toxiproxy(baseUrl);
    richApi(this.client, baseUrl);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ToxiproxyError && !(err instanceof ToxiproxyApiError)) throw new ToxiproxyApiError('?', '?', 0, err.message);
      throw err;
    }
  }

  /** Creates or replaces the given proxies (Toxiproxy's /populate is idempotent per name). */
  async populate(proxies: readonly ProxyConfig[]): Promise<Proxy[]> {
    const out = await this.call(() => this.client.populate(proxies.map((p) => ({ ...p }))));
    return Object.values(out).map(json);
  }

  /** Every proxy with its toxics (the library's Proxy objects drop the toxics, so the raw answer is read through its HTTP client). */
  async proxies(): Promise<Record<string, Proxy>> {
    return (await this.call(() => this.client.getApi().get<Record<string, Proxy>>(`${this.baseUrl}/proxies`))).data;
  }

  async createProxy(p: ProxyConfig): Promise<Proxy> {
    return json(await this.call(() => this.client.createProxy({ ...p })));
  }

  async deleteProxy(name: string): Promise<void> {
    const p = await this.call(() => this.client.get(encodeURIComponent(name)));
    await this.call(() => p.remove());
  }

  async proxy(name: string): Promise<Proxy> {
    return (await this.call(() => this.client.getApi().get<Proxy>(`${this.baseUrl}/proxies/${encodeURIComponent(name)}`))).data;
  }

  async setEnabled(name: string, enabled: boolean): Promise<Proxy> {
    const p = await this.call(() => this.client.get(encodeURIComponent(name)));
    return json(await this.call(() => p.update({ enabled, listen: p.listen, upstream: p.upstream })));
  }

  async addToxic(proxy: string, toxic: ToxicSpec): Promise<Toxic> {
    const p = await this.call(() => this.client.get(encodeURIComponent(proxy)));
    const t = await this.call(() => p.addToxic({ stream: 'downstream', toxicity: 1, ...toxic, attributes: { ...toxic.attributes } } as never));
    return t.toJson() as unknown as Toxic;
  }

  async removeToxic(proxy: string, toxic: string): Promise<void> {
    const p = await this.call(() => this.client.get(encodeURIComponent(proxy)));
    const t = await this.call(() => p.getToxic(encodeURIComponent(toxic)));
    await this.call(() => t.remove());
  }

  /** Enables every proxy and removes every toxic: the heal-all of last resort. */
  async reset(): Promise<void> {
    await this.call(() => this.client.reset());
  }

  async version(): Promise<string> {
    return this.call(() => this.client.getVersion());
  }
}
