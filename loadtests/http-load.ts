/**
 * Open-model HTTP load on one endpoint (RunInstances on DWFM, customer traffic through the NLB):
 * each second's outcome is reported; a 2xx is a success, anything else an error by kind.
 */
import { Agent, request } from 'undici';
import { OpenModelGenerator } from './open-model.ts';
import { SecondAggregator, type SecondStats } from './second-stats.ts';

export interface HttpLoadOptions {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: unknown;
  readonly ratePerSec: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
}

export class HttpLoad {
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, connectTimeout: 1000 });
  private readonly stats: SecondAggregator;
  private readonly generator: OpenModelGenerator;

  constructor(
    private readonly opts: HttpLoadOptions,
    onSecond: (s: SecondStats) => void,
  ) {
    this.stats = new SecondAggregator(onSecond);
    this.generator = new OpenModelGenerator({
      ratePerSec: opts.ratePerSec,
      maxInFlight: opts.maxInFlight,
      job: () => this.call(),
      onDropped: () => this.stats.dropped(),
    });
  }

  private async call(): Promise<void> {
    const started = performance.now();
    try {
      const res = await request(this.opts.url, {
        method: this.opts.method,
        dispatcher: this.agent,
        headers: this.opts.body === undefined ? {} : { 'content-type': 'application/json' },
        body: this.opts.body === undefined ? undefined : JSON.stringify(this.opts.body),
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      await res.body.dump();
      if (res.statusCode < 300) this.stats.ok(performance.now() - started);
      else this.stats.error(`http-${res.statusCode}`);
    } catch (err) {
      this.stats.error((err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT' ? 'timeout' : 'connect');
    }
  }

  async stop(): Promise<void> {
    await this.generator.stop(this.opts.timeoutMs + 500);
    this.stats.stop();
    await this.agent.close();
  }
}
