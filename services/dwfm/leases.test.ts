import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.ts';
import type { CallOutcome } from '../common/dynamodb-client.ts';
import { LeaseTable, type LeaseSettings } from './leases.ts';

const settings = (o: Partial<LeaseSettings> = {}): LeaseSettings => ({
  droplets: 100,
  leaseTtlMs: 1000,
  renewPeriodMs: 800,
  batchSize: 10,
  requestTimeoutMs: 100,
  strategy: 'naive',
  backoff: { baseMs: 10, capMs: 1000, fastFailRetryMs: 50 },
  concurrency: null,
  retryBudget: null,
  ...o,
});

/** A fake clock and a DynamoDB that is up or down; pure logic only. */
function harness(o: Partial<LeaseSettings> = {}) {
  let now = 0;
  let up = true;
  const sent: { ids: number[]; at: number }[] = [];
  const events: string[] = [];
  const send = async (ids: Int32Array): Promise<CallOutcome> => {
    sent.push({ ids: [...ids], at: now });
    return up ? { ok: true, status: 200, body: {}, latencyMs: 1 } : { ok: false, error: 'connect', detail: 'down', latencyMs: 1 };
  };
  const table = new LeaseTable(settings(o), send, () => now, seededRandom(1), {
    onEpisodeStart: (e) => events.push(`lapsed ${e.lapsed} at ${e.at}`),
    onAllValid: (e) => events.push(`all valid at ${e.at}: needed ${e.needed}, ${e.attempts} attempts, ${e.itemsSent} items`),
  });
  table.seed(0);
  const advance = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      now += step;
      table.tick();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { table, sent, events, advance, setUp: (v: boolean) => (up = v) };
}

describe('DWFM lease table', () => {
  it("the lab's re-seed ends a collapse DWFM is in: every lease valid, nothing queued, no episode, and answers to abandoned attempts ignored", async () => {
    const h = harness();
    h.setUp(false);
    await h.advance(1500);
    expect(h.table.validCount).toBe(0);
    expect(h.table.pendingJobs).toBeGreaterThan(0);
    expect(h.table.reseed(1500)).toBe(100);
    expect(h.table).toMatchObject({ validCount: 100, pendingJobs: 0, inFlightCount: 0, episode: undefined });
    // Renewed from the seed's spread onwards, as at the first start; no episode was ever closed by DWFM.
    h.setUp(true);
    await h.advance(3000);
    expect(h.table.validCount).toBe(100);
    expect(h.events.filter((e) => e.startsWith('all valid'))).toEqual([]);
    expect(h.table.counters.reestablished).toBe(0);
  });

  it('keeps every lease valid by renewing it within its period', async () => {
    const h = harness();
    await h.advance(3000);
    expect(h.table.validCount).toBe(100);
    expect(h.table.counters.renewalsOk).toBeGreaterThanOrEqual(300);
    expect(h.events).toEqual([]);
  });

  it('lets leases lapse while DynamoDB is down, then re-establishes all of them and reports the episode', async () => {
    const h = harness();
    h.setUp(false);
    await h.advance(1500);
    expect(h.table.validCount).toBe(0);
    expect(h.events[0]).toMatch(/^lapsed \d+ at/);
    h.setUp(true);
    await h.advance(200);
    expect(h.table.validCount).toBe(100);
    expect(h.events.at(-1)).toMatch(/all valid at \d+: needed 100, \d+ attempts, \d+ items/);
  });

  it('counts a batch as load only once its outcome says it went out, and under a limit hands a freed slot to the next batch at once', async () => {
    const h = harness({ concurrency: 1 });
    h.setUp(false);
    await h.advance(1500);
    expect(h.table.validCount).toBe(0);
    // Refused connections never left: no load on DynamoDB, however often they were tried.
    expect(h.sent.length).toBeGreaterThan(10);
    expect(h.table.counters.attempts).toBe(0);
    h.setUp(true);
    const before = h.sent.length;
    // Six 10 ms ticks, past the 50 ms pause after a fast failure: each answer frees the one slot
    // and the next due batch takes it at once, so every batch goes through (at the ticks alone,
    // one a tick, only six would).
    await h.advance(60);
    expect(h.table.validCount).toBe(100);
    // The leases lapsed over time, so in more batches than ten: each counted once it went out.
    expect(h.table.counters.attempts).toBe(h.sent.length - before);
    expect(h.table.counters.attempts).toBeGreaterThan(6);
    expect(h.table.counters.itemsSent).toBe(100);
  });

  it('starts in the steady state: leases expire TTL − period after their renewal falls due, not all at once', async () => {
    // TTL 2500, period 800: a lease expires 1,700 ms after its renewal falls due, and a failed
    // renewal is retried a second later, in time: a 600 ms outage lapses nothing.
    const short = harness({ leaseTtlMs: 2500 });
    short.setUp(false);
    await short.advance(600);
    short.setUp(true);
    await short.advance(2000);
    expect(short.events).toEqual([]);
    // Down for 2 s: by the last scan (1,910 ms) the leases whose renewal fell due in the first
    // 210 ms have expired, about 26 (a fleet seeded all at once would still hold all 100).
    const long = harness({ leaseTtlMs: 2500 });
    long.setUp(false);
    await long.advance(2000);
    expect(long.table.validCount).toBeGreaterThanOrEqual(70);
    expect(long.table.validCount).toBeLessThanOrEqual(78);
  });

  it('naive retries a fast failure after a fixed pause, all batches in step', async () => {
    const h = harness();
    h.setUp(false);
    await h.advance(1100);
    const before = h.sent.length;
    await h.advance(100);
    // 10 batches retried every 50 ms: the herd in waiting.
    expect(h.sent.length - before).toBeGreaterThanOrEqual(20);
  });

  it('holds re-establish batches in flight to the manual throttle', async () => {
    let now = 0;
    const pending: ((o: CallOutcome) => void)[] = [];
    const table = new LeaseTable(settings({ renewPeriodMs: 100_000, leaseTtlMs: 10 }), () => new Promise((r) => pending.push(r)), () => now, seededRandom(1), {
      onEpisodeStart: () => {},
      onAllValid: () => {},
    });
    table.seed(0);
    table.setThrottle({ maxPerSec: null, maxConcurrency: 3 });
    now = 20;
    table.tick();
    expect(table.inFlightCount).toBe(3);
    expect(table.pendingJobs).toBe(10);
  });
});
