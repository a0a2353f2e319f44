import { describe, expect, it } from 'vitest';
import { cellId, cellLabel, cells, cellServiceSets, cellSets, MAX_CELL_ID, parseGrid } from './grid.ts';
import { serviceMetastable } from './metrics/service-metastable.ts';
import { serviceTtr } from './metrics/service-ttr.ts';
import { herdClass } from './metrics/herd-class.ts';
import { predictHerd } from './predictions/herd.ts';
import { predictRace, raceBoundaryMs } from './predictions/race.ts';
import { meanInterval, median, wilson } from './stats.ts';
import type { RunSummary } from '../../run/journal.ts';

describe('sweep grids', () => {
  it('keeps service.* keys apart from the scenario\'s: they set the --service file', () => {
    const [cell] = cells(parseGrid(['service.load=1.5', 'operator.0.when.delayMs=20000', 'service.env.ORDERS_NAIVE_RETRY=5']));
    expect(cellSets(cell!)).toEqual(['operator.0.when.delayMs=20000']);
    expect(cellServiceSets(cell!)).toEqual([['service.load', 1.5], ['service.env.ORDERS_NAIVE_RETRY', 5]]);
    expect(cellLabel(cell!)).toBe('service.load=1.5, operator.0.when.delayMs=20000, service.env.ORDERS_NAIVE_RETRY=5');
  });

  it("reads a user's service from a run: stayed down (a rate) and its time to recover; no trigger or an exit is not counted", () => {
    const run = (svc: object | undefined) => ({ services: svc ? [svc] : [] }) as unknown as RunSummary;
    expect(serviceMetastable.value(run({ verdict: 'metastable', metastable: true, ttrMs: null }))).toBe(true);
    expect(serviceMetastable.value(run({ verdict: 'recovered', metastable: false, ttrMs: 14_150 }))).toBe(false);
    expect(serviceMetastable.value(run({ verdict: 'no-trigger', metastable: false, ttrMs: null }))).toBeNull();
    expect(serviceMetastable.value(run({ verdict: 'exited', metastable: false, ttrMs: null }))).toBeNull();
    expect(serviceMetastable.value(run(undefined))).toBeNull();
    expect(serviceTtr.value(run({ verdict: 'recovered', metastable: false, ttrMs: 14_150 }))).toBe(14.2);
    expect(serviceTtr.value(run({ verdict: 'metastable', metastable: true, ttrMs: null }))).toBeNull();
  });

  it('parses axes, keeps JSON values whole, links keys with +, and names the cartesian cells', () => {
    const g = parseGrid(['faults.0.latencyMs=400,800', 'nlb.velocity={"maxRemovedFraction":0.1,"windowMs":5000},null', 'a+b=1+10,2+20']);
    expect(g['faults.0.latencyMs']).toEqual([400, 800]);
    expect(g['nlb.velocity']).toEqual([{ maxRemovedFraction: 0.1, windowMs: 5000 }, null]);
    const all = cells(g);
    expect(all).toHaveLength(8);
    expect(cellSets(all[0]!)).toEqual(['faults.0.latencyMs=400', 'nlb.velocity={"maxRemovedFraction":0.1,"windowMs":5000}', 'a=1', 'b=10']);
    expect(cellId(all[0]!)).toMatch(/^[A-Za-z0-9.=,_-]+$/);
    expect(() => parseGrid([])).toThrow(/--grid is required/);
    expect(() => parseGrid(['latency'])).toThrow(/expected key=v1,v2/);
    expect(() => parseGrid(['a+b=1+2,3'])).toThrow(/"3" should give 2 values joined by \+/);
  });
});

describe('sweep statistics', () => {
  it('gives the 95 % Wilson interval, sound at 0 and n', () => {
    expect(wilson(0, 5)).toEqual({ value: 0, low: 0, high: 0.434 });
    expect(wilson(5, 5)).toEqual({ value: 1, low: 0.566, high: 1 });
    expect(wilson(10, 20)).toEqual({ value: 0.5, low: 0.299, high: 0.701 });
    expect(wilson(0, 0)).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('gives the mean of a few measurements with its 95 % t interval', () => {
    // mean 2, sd 1, n 3: 2 ± 4.303 × 1/√3 = 2 ± 2.484
    expect(meanInterval([1, 2, 3])).toEqual({ mean: 2, low: -0.484, high: 4.484, n: 3, min: 1, max: 3 });
    expect(meanInterval([5])).toEqual({ mean: 5, low: null, high: null, n: 1, min: 5, max: 5 });
    expect(meanInterval([])).toBeNull();
  });
});

describe('predictions', () => {
  it('race: empty records only above the band around (K + 1) × interval, downstream, more likely with more attempts', () => {
    const base = { planIntervalMs: 200, keep: 3, pollMs: 50, endpoints: 10, stream: 'downstream' as const, windowMs: 20_000 };
    expect(raceBoundaryMs(base)).toBe(825);
    expect(predictRace({ ...base, latencyMs: 700 }).rate).toBe(0);
    expect(predictRace({ ...base, latencyMs: 825 }).rate).toBeGreaterThan(0);
    expect(predictRace({ ...base, latencyMs: 825 }).rate).toBeLessThan(predictRace({ ...base, latencyMs: 1100 }).rate);
    expect(predictRace({ ...base, latencyMs: 1100 }).rate).toBeGreaterThan(0.5);
    expect(predictRace({ ...base, latencyMs: 1100, stream: 'upstream' }).rate).toBe(0);
    expect(predictRace({ ...base, latencyMs: 5000 }).rate).toBeLessThan(predictRace({ ...base, latencyMs: 1100 }).rate);
    expect(raceBoundaryMs({ ...base, planIntervalMs: 400 })).toBe(1625);
  });

  it('herd: naive is metastable when the lapsed work exceeds what the spare capacity drains within the timeout', () => {
    const base = { strategy: 'naive' as const, droplets: 20_000, renewPeriodMs: 20_000, leaseTtlMs: 21_000, capacityPerSec: 4000, timeoutMs: 1000, inFlightItems: 9600, maxBackoffMs: 20_000, fastFailRetryMs: 500 };
    // A renewal that fails is retried a second later: with TTL − R = 1 s that is too late, so every
    // renewal due in the outage lapses; with 3.5 s, three retries fit and a 2.5 s outage lapses none.
    expect(predictHerd({ ...base, triggerMs: 500 })).toMatchObject({ class: 'stable', lapsed: 500 });
    expect(predictHerd({ ...base, leaseTtlMs: 23_500, triggerMs: 2500 })).toMatchObject({ class: 'stable', lapsed: 0 });
    expect(predictHerd({ ...base, leaseTtlMs: 23_500, triggerMs: 4000 })).toMatchObject({ lapsed: 1000 });
    expect(predictHerd({ ...base, triggerMs: 23_000 })).toMatchObject({ class: 'metastable', lapsed: 20_000, rho: 0.25 });
    // Leases that lapsed are not renewed: a half-lapsed fleet leaves more than 1 − ρ of C spare.
    expect(predictHerd({ ...base, triggerMs: 11_000 })).toMatchObject({ lapsed: 11_000, class: 'metastable' });
    // Low load, short trigger: few lapses, drained within the timeout.
    expect(predictHerd({ ...base, renewPeriodMs: 50_000, leaseTtlMs: 51_000, triggerMs: 3000 }).class).toBe('stable');
    // The boundary: lapsed work against the spare capacity over the timeout plus the fast-failure pause.
    // (spare = C·(1 − ρ·(1 − D / R)) = 3,000 + 0.05·D items/s here; over T + S = 1.5 s that drains
    // D items when D < 4,865 ms)
    expect(predictHerd({ ...base, triggerMs: 4700 }).class).not.toBe('metastable');
    expect(predictHerd({ ...base, triggerMs: 5100 }).class).toBe('metastable');
    // Full jitter spreads the same herd over its cap: back by itself, slowly.
    expect(predictHerd({ ...base, strategy: 'full-jitter', triggerMs: 23_000 })).toMatchObject({ class: 'recovered-slowly', recoverMs: 20_000 });
    // … and a short outage never lets the delays grow to the cap: 3 s (2 s failing) spreads them over 4 s.
    expect(predictHerd({ ...base, strategy: 'full-jitter', triggerMs: 3000 })).toMatchObject({ class: 'stable', recoverMs: 4000 });
    // The trap: a pool smaller than C × T cannot collapse.
    expect(predictHerd({ ...base, triggerMs: 23_000, inFlightItems: 2000 }).class).not.toBe('metastable');
  });
});

describe('sweep metrics', () => {
  const summary = (f: Partial<{ metastable: boolean; needed: number; reestablishMs: number | null }>) =>
    ({ metastable: f.metastable ?? false, capacityBoundMs: 5000, leases: { needed: f.needed ?? 20_000, reestablishMs: f.reestablishMs === undefined ? 6000 : f.reestablishMs } }) as unknown as RunSummary;
  it('classifies a herd as stable, recovered-slowly or metastable', () => {
    expect(herdClass.value(summary({}))).toBe('stable');
    expect(herdClass.value(summary({ needed: 0, reestablishMs: null }))).toBe('stable');
    expect(herdClass.value(summary({ reestablishMs: 19_000 }))).toBe('recovered-slowly');
    expect(herdClass.value(summary({ metastable: true, reestablishMs: null }))).toBe('metastable');
  });
});

describe('recovery-curve predictions', () => {
  it('naive: a limit below the workers runs short of capacity, far above them times out', async () => {
    const { predictReestablishRatio } = await import('./predictions/herd.ts');
    const base = { strategy: 'naive' as const, droplets: 20_000, capacityPerSec: 4000, workers: 40, serviceTimeMs: 10, batchSize: 25, timeoutMs: 1000, maxBackoffMs: 20_000 };
    expect(predictReestablishRatio({ ...base, concurrency: 10 })).toBe(4);
    expect(predictReestablishRatio({ ...base, concurrency: 40 })).toBe(1);
    expect(predictReestablishRatio({ ...base, concurrency: 160 })).toBe(1);
    expect(predictReestablishRatio({ ...base, concurrency: 240 })).toBe('never');
    expect(predictReestablishRatio({ ...base, concurrency: null })).toBe('never');
    expect(predictReestablishRatio({ ...base, strategy: 'full-jitter', concurrency: null })).toBe(4);
    expect(predictReestablishRatio({ ...base, strategy: 'full-jitter', concurrency: null, maxBackoffMs: 2500 })).toBe('never');
  });
});

describe('the service map: a prediction per cell from its runs, and whether the measurement agrees', () => {
  const run = (offered: number, metastable: boolean) =>
    ({ services: [{ verdict: metastable ? 'metastable' : 'recovered', metastable, prediction: { offered, verdict: offered > 1 ? 'stays-down' : 'recovers', detail: `offered ${offered}` } }] }) as unknown as RunSummary;
  it('the median run’s prediction; none without one', async () => {
    const { predict } = await import('./predictions/index.ts');
    const scenario = {} as never;
    expect(predict(scenario, 'service-metastable', [run(0.8, false), run(1.4, true), run(0.9, false)])).toEqual({ value: 0, detail: 'offered 0.9' });
    expect(predict(scenario, 'service-metastable', [run(1.2, true), run(1.4, true), run(0.9, false)])).toEqual({ value: 1, detail: 'offered 1.2' });
    expect(predict(scenario, 'service-metastable', [])).toBeNull();
  });

  it('agreement: the predicted rate inside the Wilson interval; a cell predicted to stay down that recovered 3 of 3 disagrees', async () => {
    const { agrees, renderSweepMarkdown } = await import('./render.ts');
    const cell = (k: number, value: number) => ({ params: { 'service.load': k }, runs: 3, values: [], rate: wilson(value ? 3 : 0, 3), median: null, prediction: { value: 1, detail: `ρ × k × n for ${k}` }, costMs: 1000 });
    expect(agrees(cell(1, 1))).toBe(true);
    expect(agrees(cell(2, 0))).toBe(false);
    const md = renderSweepMarkdown({ scenario: 'slow-return', metric: 'service-metastable', metricDescription: 'stayed down', kind: 'rate', grid: { 'service.load': [1, 2] }, repeat: 3, sets: [], quick: true, cells: [cell(1, 1), cell(2, 0)], complete: true, wallMs: 1, runsMs: 1 });
    expect(md).toContain('The predicted rate lies inside the measured 95 % interval in **1 of 2** cells.');
    expect(md).toMatch(/\| service\.load=2 \| 0\.00 \[0\.00–0\.56\] \| 1\.00 \| ρ × k × n for 2 \| \*\*no\*\* \|/);
  });
});

describe('sweep folders', () => {
  it('a cell whose values make a long id (a whole command line) gets a folder name that fits, and two such cells never share one', () => {
    const command = (flag: string) => ['java', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Dsun.net.inetaddr.ttl=1', flag, '-cp', 'target/classes:target/lib/*', 'orders.Main'];
    const a = cellId({ 'service.start.command': command('-Djava.security.properties=../../docs/measured/bench-sdks-why/negative-ttl-1.security'), 'service.env.ORDERS_THREADS': 512, 'service.load': 1.5 });
    const b = cellId({ 'service.start.command': command('-Djava.security.properties=../../docs/measured/bench-sdks-why/negative-ttl-2.security'), 'service.env.ORDERS_THREADS': 512, 'service.load': 1.5 });
    expect(a.length).toBeLessThanOrEqual(MAX_CELL_ID);
    expect(a).toMatch(/^[A-Za-z0-9.=,_-]+_[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(cellId({ 'service.load': 1.5 })).toBe('service.load=1.5'); // short ids unchanged
  });
});
