/**
 * A provisioned table's throughput as DynamoDB meters it: per direction (reads, writes) a token
 * bucket filled at the provisioned units per second that keeps up to `burstSeconds` (300: "DynamoDB
 * currently retains up to five minutes of unused read and write capacity") of what went unused —
 * burst capacity. A request is let in while the bucket holds anything and takes its units, possibly
 * into debt (DynamoDB meters a Query after reading it), which the refill pays back; on an empty
 * bucket it is refused with ProvisionedThroughputExceededException before it reaches the queue.
 *
 * AWS's own example (re:Post, "dynamodb-spiky-workloads-short-intervals"): 150 RCU unused for
 * five minutes hold 150 × 300 = 45,000 units, enough for 200 RCU/s for 45,000 / (200 − 150) =
 * 900 s; `provisioned.test.ts` pins that arithmetic.
 */
export interface ProvisionedSettings {
  readonly readCapacityUnits: number;
  readonly writeCapacityUnits: number;
  /** Unused capacity kept, in seconds of the provisioned rate (DynamoDB: 300). */
  readonly burstSeconds: number;
  /** Burst capacity the table starts with, in seconds of the provisioned rate (a fresh table: 0). */
  readonly initialBurstSeconds: number;
}

export const DEFAULT_BURST_SECONDS = 300;

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    readonly burstSeconds: number,
    now: number,
    initialSeconds = 0,
  ) {
    this.tokens = Math.min(initialSeconds, burstSeconds) * perSecond;
    this.at = now;
  }

  /** Units held at `now` (negative: in debt). */
  level(now: number): number {
    if (now > this.at) {
      this.tokens = Math.min(this.perSecond * this.burstSeconds, this.tokens + ((now - this.at) / 1000) * this.perSecond);
      this.at = now;
    }
    return this.tokens;
  }

  /** Takes `units` if the bucket holds anything at `now`; false (nothing taken) when it is empty. */
  take(units: number, now: number): boolean {
    if (this.level(now) <= 0) return false;
    this.tokens -= units;
    return true;
  }
}

/** A table's read and write buckets. */
export class ProvisionedThroughput {
  readonly read: TokenBucket;
  readonly write: TokenBucket;

  constructor(readonly settings: ProvisionedSettings, now: number) {
    this.read = new TokenBucket(settings.readCapacityUnits, settings.burstSeconds, now, settings.initialBurstSeconds);
    this.write = new TokenBucket(settings.writeCapacityUnits, settings.burstSeconds, now, settings.initialBurstSeconds);
  }
}
