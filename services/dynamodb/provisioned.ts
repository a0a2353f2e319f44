/**
 * A table's throughput limit as DynamoDB meters it, checked before the queue. Two kinds:
 *
 * Provisioned: per direction (reads, writes) a token
 * bucket filled at the provisioned units per second that keeps up to `burstSeconds` (300: "DynamoDB
 * currently retains up to five minutes of unused read and write capacity") of what went unused —
 * burst capacity. A request is let in while the bucket holds anything and takes its units, possibly
 * into debt (DynamoDB meters a Query after reading it), which the refill pays back; on an empty
 * bucket it is refused with ProvisionedThroughputExceededException before it reaches the queue.
 *
 * AWS's own example (re:Post, "dynamodb-spiky-workloads-short-intervals"): 150 RCU unused for
 * five minutes hold 150 × 300 = 45,000 units, enough for 200 RCU/s for 45,000 / (200 − 150) =
 * 900 s; `provisioned.test.ts` pins that arithmetic.
 *
 * On-demand with a maximum throughput (OnDemandThroughput's MaxReadRequestUnits /
 * MaxWriteRequestUnits): "additional requests that would exceed the limit receive quick throttle
 * responses" — ThrottlingException, reason `Table<Read|Write>MaxOnDemandThroughputExceeded`. Modelled
 * as a bucket filled at the maximum that keeps one second of it and starts full: no saved capacity
 * beyond the second. Not modelled: the account's 40,000-unit table quota, and on-demand's "double
 * the previous peak within 30 minutes" (AWS says only that such traffic *might* be throttled).
 */
import { DynamoError } from './errors.ts';

export type Direction = 'read' | 'write';

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

/** A table's limit: a bucket per direction it limits, and the error it refuses with. */
export interface ThroughputLimit {
  readonly mode: 'provisioned' | 'on-demand';
  readonly read?: TokenBucket;
  readonly write?: TokenBucket;
  refusal(kind: Direction, table: string, region: string): DynamoError;
}

const arn = (table: string, region: string) => `arn:aws:dynamodb:${region}:000000000000:table/${table}`;
const direction = (kind: Direction) => (kind === 'read' ? 'Read' : 'Write');

/** A provisioned table's read and write buckets. */
export class ProvisionedThroughput implements ThroughputLimit {
  readonly mode = 'provisioned';
  readonly read: TokenBucket;
  readonly write: TokenBucket;

  constructor(readonly settings: ProvisionedSettings, now: number) {
    this.read = new TokenBucket(settings.readCapacityUnits, settings.burstSeconds, now, settings.initialBurstSeconds);
    this.write = new TokenBucket(settings.writeCapacityUnits, settings.burstSeconds, now, settings.initialBurstSeconds);
  }

  refusal(kind: Direction, table: string, region: string): DynamoError {
    return DynamoError.throughput({ reason: `Table${direction(kind)}ProvisionedThroughputExceeded`, resource: arn(table, region) });
  }
}

export interface OnDemandSettings {
  /** MaxReadRequestUnits (undefined: reads unlimited). */
  readonly maxReadRequestUnits?: number;
  /** MaxWriteRequestUnits (undefined: writes unlimited). */
  readonly maxWriteRequestUnits?: number;
}

/** An on-demand table's maximum throughput: a one-second bucket per direction given, starting full. */
export class OnDemandMaximum implements ThroughputLimit {
  readonly mode = 'on-demand';
  readonly read?: TokenBucket;
  readonly write?: TokenBucket;

  constructor(readonly settings: OnDemandSettings, now: number) {
    if (settings.maxReadRequestUnits !== undefined) this.read = new TokenBucket(settings.maxReadRequestUnits, 1, now, 1);
    if (settings.maxWriteRequestUnits !== undefined) this.write = new TokenBucket(settings.maxWriteRequestUnits, 1, now, 1);
  }

  refusal(kind: Direction, table: string, region: string): DynamoError {
    return DynamoError.onDemandMaximum({ reason: `Table${direction(kind)}MaxOnDemandThroughputExceeded`, resource: arn(table, region) });
  }
}

/** What a table's settings ask for: provisioned buckets, or an on-demand maximum. */
export type ThroughputSettings = { readonly provisioned: ProvisionedSettings } | { readonly onDemand: OnDemandSettings };

/** The limit for those settings, its buckets starting at `now`. */
export function throughputLimit(s: ThroughputSettings, now: number): ThroughputLimit {
  return 'provisioned' in s ? new ProvisionedThroughput(s.provisioned, now) : new OnDemandMaximum(s.onDemand, now);
}
