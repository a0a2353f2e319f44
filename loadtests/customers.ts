/**
 * Customer load on DynamoDB: writes of unique keys and reads of acknowledged ones, at a constant
 * arrival rate, every call resolving the endpoint through CoreDNS. Each second's outcome becomes
 * a `load.second` event; every acknowledged write is kept so a checker can read it back.
 */
import type { Random } from '../core/random.ts';
import type { CallOutcome, DynamoClient } from '../services/common/dynamodb-client.ts';
import { OpenModelGenerator } from './open-model.ts';
import { SecondAggregator, type SecondStats } from './second-stats.ts';

export interface CustomerLoadOptions {
  readonly ratePerSec: number;
  readonly writeRatio: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
}

export interface AckedWrite {
  readonly key: string;
  readonly value: { readonly seq: number; readonly at: number };
}

export const CUSTOMER_TABLE = 'customers';

export class CustomerLoad {
  readonly acked: AckedWrite[] = [];
  private readonly stats: SecondAggregator;
  private readonly generator: OpenModelGenerator;

  constructor(
    private readonly client: DynamoClient,
    private readonly opts: CustomerLoadOptions,
    private readonly random: Random,
    private readonly keyPrefix: string,
    onSecond: (s: SecondStats) => void,
  ) {
    this.stats = new SecondAggregator(onSecond);
    this.generator = new OpenModelGenerator({
      ratePerSec: opts.ratePerSec,
      maxInFlight: opts.maxInFlight,
      job: (i) => this.arrival(i),
      onDropped: () => this.stats.dropped(),
    });
  }

  private record(outcome: CallOutcome): void {
    if (outcome.ok) this.stats.ok(outcome.latencyMs);
    else this.stats.error(outcome.error);
  }

  private async arrival(i: number): Promise<void> {
    const write = this.acked.length === 0 || this.random() < this.opts.writeRatio;
    if (write) {
      const key = `${this.keyPrefix}-${i}`;
      const value = { seq: i, at: Date.now() };
      const outcome = await this.client.put(CUSTOMER_TABLE, key, value, this.opts.timeoutMs);
      this.record(outcome);
      if (outcome.ok) this.acked.push({ key, value });
    } else {
      const w = this.acked[Math.floor(this.random() * this.acked.length)]!;
      const outcome = await this.client.get(CUSTOMER_TABLE, w.key, this.opts.timeoutMs);
      const item = outcome.ok ? (outcome.body as { Item?: { seq?: number } }).Item : undefined;
      this.record(outcome.ok && item?.seq !== w.value.seq ? { ok: false, error: 'server-error', detail: `read of acknowledged ${w.key} gave ${item ? `seq ${item.seq}` : 'no item'}`, latencyMs: outcome.latencyMs } : outcome);
    }
  }

  async stop(): Promise<void> {
    await this.generator.stop(this.opts.timeoutMs + 500);
    this.stats.stop();
  }
}
