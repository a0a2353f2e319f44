import { describe, expect, it } from 'vitest';
import { OnDemandMaximum, ProvisionedThroughput, throughputLimit, TokenBucket } from './provisioned.ts';

/** Spends `perSecond` units a second, one unit at a time, from `from` ms; returns when the first is refused (ms), or undefined. */
function spend(b: TokenBucket, perSecond: number, from: number, untilMs: number): number | undefined {
  for (let i = 0; ; i++) {
    const t = from + (i * 1000) / perSecond;
    if (t > untilMs) return undefined;
    if (!b.take(1, t)) return t;
  }
}

describe('a provisioned table meters like DynamoDB', () => {
  it("keeps 300 s of unused capacity: AWS's example, 150 RCU idle five minutes serve 200 RCU/s for 900 s", () => {
    const b = new TokenBucket(150, 300, 0);
    expect(b.level(300_000)).toBe(45_000);
    expect(b.level(600_000)).toBe(45_000); // never more than 300 s of it
    const refused = spend(b, 200, 600_000, 600_000 + 2_000_000);
    expect(refused).toBeDefined();
    expect((refused! - 600_000) / 1000).toBeCloseTo(900, 0);
  });

  it('serves the provisioned rate with nothing saved, refuses above it, and lets one request into debt', () => {
    const b = new TokenBucket(10, 300, 0, 0);
    expect(b.take(1, 0)).toBe(false); // a fresh table has saved nothing
    expect(spend(b, 10, 100, 60_000)).toBeUndefined(); // 10/s forever at 10 RCU
    const c = new TokenBucket(10, 300, 0, 0);
    expect(spend(c, 20, 100, 60_000)).toBeLessThan(2_000); // 20/s at 10 RCU: refused within the first second or two
    const d = new TokenBucket(10, 300, 0, 1);
    expect(d.take(25, 0)).toBe(true); // 10 held: a 25-unit Query is let in
    expect(d.level(0)).toBe(-15);
    expect(d.take(1, 1000)).toBe(false); // still in debt a second later (−5)
    expect(d.take(1, 1600)).toBe(true); // paid back by 1.5 s
  });

  it('meters reads and writes apart', () => {
    const p = new ProvisionedThroughput({ readCapacityUnits: 5, writeCapacityUnits: 1, burstSeconds: 300, initialBurstSeconds: 1 }, 0);
    expect(p.write.take(1, 0)).toBe(true);
    expect(p.write.take(1, 0)).toBe(false);
    expect(p.read.take(1, 0)).toBe(true);
    expect(p.read.level(0)).toBe(4);
  });
});

describe('an on-demand table with a maximum throughput', () => {
  it('serves up to its maximum a second from the start, refuses above it at once, and saves nothing beyond one second', () => {
    const m = new OnDemandMaximum({ maxReadRequestUnits: 100 }, 0);
    expect(m.write).toBeUndefined(); // writes unlimited
    expect(spend(m.read!, 100, 0, 60_000)).toBeUndefined(); // 100/s forever at a 100-unit maximum
    const burst = new OnDemandMaximum({ maxReadRequestUnits: 100 }, 0);
    let served = 0;
    while (burst.read!.take(1, 0)) served++;
    expect(served).toBe(100); // a fresh table's first second: its maximum, not more
    const idle = new OnDemandMaximum({ maxReadRequestUnits: 100 }, 0);
    expect(idle.read!.level(600_000)).toBe(100); // ten idle minutes save one second, where a provisioned table would save 300
    expect(spend(new OnDemandMaximum({ maxReadRequestUnits: 100 }, 0).read!, 150, 0, 60_000)).toBeLessThan(2_100); // 150/s: refused within two seconds
  });

  it('refuses with the error DynamoDB gives each mode, naming the reason and the table', () => {
    const onDemand = throughputLimit({ onDemand: { maxWriteRequestUnits: 5 } }, 0).refusal('write', 'orders', 'us-east-1');
    expect(onDemand.code).toBe('ThrottlingException');
    expect(onDemand.body()).toMatchObject({ throttlingReasons: [{ reason: 'TableWriteMaxOnDemandThroughputExceeded', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders' }] });
    const provisioned = throughputLimit({ provisioned: { readCapacityUnits: 1, writeCapacityUnits: 1, burstSeconds: 300, initialBurstSeconds: 0 } }, 0).refusal('read', 'orders', 'us-east-1');
    expect(provisioned.code).toBe('ProvisionedThroughputExceededException');
    expect(provisioned.body()).toMatchObject({ ThrottlingReasons: [{ reason: 'TableReadProvisionedThroughputExceeded' }] });
  });
});
