/**
 * Customer load on DynamoDB: writes of unique keys and reads of acknowledged ones, at a constant
 * arrival rate, every call resolving the endpoint through CoreDNS. Each second's outcome becomes
 * a `load.second` event; every acknowledged write is kept so a checker can read it back.
 */
import * as hdr from 'hdr-histogram-js';
import type { Random } from '../lab/random.ts';
import type { CallOutcome, DynamoClient } from '../services/common/dynamodb-client.ts';
import { OpenModelGenerator } from './open-model.ts';

export interface CustomerLoadOptions {
  readonly ratePerSec: number;
  readonly writeRatio: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
}

export interface SecondStats {
  readonly second: number;
  readonly sent: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  readonly droppedByGenerator: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export interface AckedWrite {
  readonly key: string;
  readonly value: { readonly seq: number; readonly at: number };
  readonly version: number;
}

export const CUSTOMER_TABLE = 'customers';

export class CustomerLoad {
  readonly acked: AckedWrite[] = [];
  private current = this.fresh(0);
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000, numberOfSignificantValueDigits: 2 });
  private readonly generator: OpenModelGenerator;
  private readonly secondTimer: NodeJS.Timeout;
  private secondIndex = 0;

  constructor(
    private readonly client: DynamoClient,
    private readonly opts: CustomerLoadOptions,
    private readonly random: Random,
    private readonly keyPrefix: string,
    private readonly onSecond: (s: SecondStats) => void,
  ) {
    this.generator = new OpenModelGenerator({
      ratePerSec: opts.ratePerSec,
      maxInFlight: opts.maxInFlight,
      job: (i) => this.arrival(i),
      onDropped: () => this.current.droppedByGenerator++,
    });
    this.secondTimer = setInterval(() => this.flush(), 1000);
  }

  private fresh(second: number) {
    return { second, sent: 0, ok: 0, errors: {} as Record<string, number>, droppedByGenerator: 0 };
  }

  private record(outcome: CallOutcome): void {
    const s = this.current;
    s.sent++;
    if (outcome.ok) {
      s.ok++;
      this.histogram.recordValue(Math.max(1, Math.round(outcome.latencyMs)));
    } else {
      s.errors[outcome.error] = (s.errors[outcome.error] ?? 0) + 1;
    }
  }

  private async arrival(i: number): Promise<void> {
    const write = this.acked.length === 0 || this.random() < this.opts.writeRatio;
    if (write) {
      const key = `${this.keyPrefix}-${i}`;
      const value = { seq: i, at: Date.now() };
      const outcome = await this.client.put(CUSTOMER_TABLE, key, value, this.opts.timeoutMs);
      const ok = outcome.ok && outcome.status === 200;
      this.record(ok || !outcome.ok ? outcome : { ...outcome, ok: false, error: 'server-error', detail: `HTTP ${outcome.status}` });
      if (ok) this.acked.push({ key, value, version: (outcome.body as { version: number }).version });
    } else {
      const w = this.acked[Math.floor(this.random() * this.acked.length)]!;
      const outcome = await this.client.get(CUSTOMER_TABLE, w.key, this.opts.timeoutMs);
      this.record(outcome.ok && outcome.status !== 200 ? { ok: false, error: 'server-error', detail: `read of acknowledged ${w.key} gave HTTP ${outcome.status}`, latencyMs: outcome.latencyMs } : outcome);
    }
  }

  private flush(): void {
    const s = this.current;
    const has = this.histogram.totalCount > 0;
    this.onSecond({
      ...s,
      p50Ms: has ? this.histogram.getValueAtPercentile(50) : null,
      p99Ms: has ? this.histogram.getValueAtPercentile(99) : null,
      maxMs: has ? this.histogram.maxValue : null,
    });
    this.histogram.reset();
    this.current = this.fresh(++this.secondIndex);
  }

  async stop(): Promise<void> {
    await this.generator.stop(this.opts.timeoutMs + 500);
    clearInterval(this.secondTimer);
    this.flush();
  }
}
