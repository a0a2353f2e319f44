import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.ts';
import { PROJECT_ROOT } from '../../../core/paths.ts';
import type { LabContext } from '../../../lab/lab.ts';
import { loadServiceFile } from '../../../user-services/service-file.ts';
import { boundaryOf } from './boundary.ts';
import type { ServiceRunRow } from './service.ts';
import { wilson } from '../sweep/stats.ts';
import { benchSdks, pointsOf, predictionAgrees, renderSdksBench, splitSdksSets, update2026Effects, type SdksBenchResult } from './sdks.ts';

const run = (seed: number, metastable: boolean, over: Partial<ServiceRunRow> = {}): ServiceRunRow => ({
  seed,
  verdict: metastable ? 'metastable' : 'recovered',
  ttrMs: metastable ? null : 6000 + seed * 100,
  metastable,
  recoveringCallsPerRequest: metastable ? 1.9 : 1.2,
  recoveringGoodShare: null,
  emptyGoodShare: null,
  firstError: null,
  firstCallMs: 400,
  outDir: `/runs/${seed}`,
  ...over,
});

describe('bench sdks: from runs to a row', () => {
  it("a load's point: its mean ρ, runs that stayed down, median time to recover, mean calls per request; uncounted runs left out", () => {
    const runs: Record<number, ServiceRunRow[]> = {
      1: [run(1, false), run(2, false), run(3, true)],
      1.5: [run(1, true), run(2, true), run(3, false, { verdict: 'no-trigger', ttrMs: null })],
      2: [],
    };
    const rho: Record<number, number[]> = { 1: [0.4, 0.42, 0.41], 1.5: [0.62, 0.6, 0.61], 2: [0.83] };
    const points = pointsOf([1, 1.5, 2], (l) => runs[l]!, (l) => rho[l]!);
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({ load: 1, rho: 0.41, metastable: 1, runs: 3, ttrMs: 6150, recoveringCallsPerRequest: 1.43 });
    expect(points[1]).toMatchObject({ load: 1.5, rho: 0.61, metastable: 2, runs: 2, ttrMs: null });
    expect(boundaryOf(points)).toMatchObject({ low: 0.41, high: 0.61 });
  });

  it('the prediction agrees when it falls in the measured bracket, and fails when it does not', () => {
    const b = boundaryOf([
      { rho: 0.41, metastable: 0, runs: 3 },
      { rho: 0.62, metastable: 3, runs: 3 },
    ]);
    expect(predictionAgrees(b, 0.5)).toBe(true);
    expect(predictionAgrees(b, 0.62)).toBe(true);
    expect(predictionAgrees(b, 0.3)).toBe(false);
    expect(predictionAgrees(b, 0.7)).toBe(false);
    expect(predictionAgrees(boundaryOf([{ rho: 0.2, metastable: 3, runs: 3 }]), 0.08)).toBe(true);
    expect(predictionAgrees(boundaryOf([{ rho: 0.2, metastable: 3, runs: 3 }]), 0.5)).toBe(false);
    expect(predictionAgrees(b, null)).toBeNull();
  });

  it('the report names every row, says which are the same code and which do not apply', () => {
    const base = { service: 'orders-node', language: 'node', sdk: '@aws-sdk/client-dynamodb 3.1169.0', description: '', policy: null, outageMs: 8000, predictedBoundary: 0.5, predictedNote: null, amplification: 1.9, ttrMs: null, atRho: 0.62, update2026: 'in force' };
    const points = [
      { load: 1, rho: 0.41, metastable: 0, runs: 3, rate: null, ttrMs: 6000, recoveringCallsPerRequest: 1.2, firstCallMs: 400 },
      { load: 1.5, rho: 0.62, metastable: 3, runs: 3, rate: null, ttrMs: null, recoveringCallsPerRequest: 1.9, firstCallMs: 3100 },
    ];
    const r: SdksBenchResult = {
      scenario: 'slow-return',
      quick: true,
      loads: [1, 1.5],
      outagesMs: [8000],
      repeat: 3,
      sets: [],
      wallMs: 60_000,
      update2026: [],
      rows: [
        { ...base, configuration: 'default', sets: {}, sameAs: null, notApplicable: null, points, boundary: boundaryOf(points), agrees: true },
        { ...base, configuration: 'standard', sets: { 'service.env.AWS_RETRY_MODE': 'standard' }, sameAs: 'default', notApplicable: null, points, boundary: boundaryOf(points), agrees: true },
        { ...base, configuration: 'legacy', sets: {}, sameAs: null, notApplicable: '@aws-sdk/client-dynamodb has no legacy mode', points: [], boundary: boundaryOf([]), agrees: null },
      ],
    };
    const md = renderSdksBench(r);
    expect(md).toContain('| node | @aws-sdk/client-dynamodb 3.1169.0 | default | 8 s | 0.41–0.62 | 0.5 | yes | 0.62 | 1.9 | stayed down 3 of 3 |');
    expect(md).toContain('0.41–0.62 (same code as default)');
    expect(md).toContain('- **node** `legacy`: @aws-sdk/client-dynamodb has no legacy mode');
    expect(md).not.toContain('| node | @aws-sdk/client-dynamodb 3.1169.0 | legacy |');
    expect(md).toContain('- **node** (@aws-sdk/client-dynamodb 3.1169.0): in force');
    expect(md).toContain('| node | default | 8 s | 1.5 | 0.62 | 3 of 3 | — | 1.9 | ≤ 3.1 s |');
  });
});

describe("bench sdks: the 2026 update's effect", () => {
  const pt = (load: number, rho: number, metastable: number, runs = 3) => ({ load, rho, metastable, runs, rate: wilson(metastable, runs), ttrMs: metastable === runs ? null : 14_000, recoveringCallsPerRequest: 1.5, firstCallMs: 500 });
  const row = (service: string, configuration: string, points: ReturnType<typeof pt>[], sameAs: string | null = null) =>
    ({ service, language: service, sdk: 'sdk 1', configuration, description: '', sets: {}, policy: null, outageMs: 8000, sameAs, notApplicable: null, points, boundary: boundaryOf(points), predictedBoundary: 0.5, predictedNote: null, agrees: null, amplification: null, ttrMs: null, atRho: null, update2026: null }) as const;

  it('better where the intervals part towards recovering, worse the other way, none when they overlap; only loads measured both ways', () => {
    const effects = update2026Effects([
      // Python: legacy before (stays down), standard after (recovers) at both loads.
      row('python', 'default', [pt(1, 0.41, 0), pt(1.5, 0.62, 0)]),
      row('python', 'default-before-2026', [pt(1, 0.41, 3), pt(1.5, 0.62, 3)], 'legacy'),
      // Node: the same counts.
      row('node', 'default', [pt(1, 0.41, 0), pt(1.5, 0.62, 3), pt(2, 0.83, 3)]),
      row('node', 'default-before-2026', [pt(1, 0.41, 0), pt(1.5, 0.62, 3)]),
      // A worse one (two loads, pooled 0 of 6 → 6 of 6), and one that moved at a single load only (0 of 3 → 3 of 3: the intervals overlap).
      row('x', 'default', [pt(1, 0.41, 3), pt(1.5, 0.62, 3)]),
      row('x', 'default-before-2026', [pt(1, 0.41, 0), pt(1.5, 0.62, 0)]),
      row('y', 'default', [pt(1, 0.41, 3)]),
      row('y', 'default-before-2026', [pt(1, 0.41, 0)]),
      // No before-row measured: no effect stated.
      row('go', 'default', [pt(1, 0.41, 0)]),
    ] as never);
    const of = (svc: string) => effects.find((e) => e.service === svc);
    expect(of('python')).toMatchObject({ change: 'better', before: { configuration: 'default-before-2026 (= legacy)' } });
    expect(of('node')!.change).toBe('none');
    expect(of('node')!.loads.map((l) => l.load)).toEqual([1, 1.5]);
    expect(of('x')!.change).toBe('worse');
    expect(of('y')!.change).toBe('none');
    expect(of('go')).toBeUndefined();
    const md = renderSdksBench({ scenario: 's', quick: true, loads: [1, 1.5], outagesMs: [8000], repeat: 3, sets: [], wallMs: 1, rows: [], update2026: effects });
    expect(md).toContain('| python | 8 s | < 0.41 → > 0.62 | 0.41: 3 of 3 [0.439–1] → 0 of 3 [0–0.561], 14.0 s; 0.62: 3 of 3 [0.439–1] → 0 of 3 [0–0.561], 14.0 s | **better** |');
    expect(md).toContain('| node | 8 s |');
    expect(md).toContain('| none measured |');
  });
});

describe('bench sdks: its input', () => {
  const services = ['node', 'python'].map((l) => loadServiceFile(join(PROJECT_ROOT, `examples/orders-${l}/retry-storm.yaml`)));
  const base = { services, loads: [1], outagesMs: [8000], repeat: 1, scenario: 'slow-return', lab: {} as LabContext, log: () => {} };

  it('refuses an unknown configuration, or a scenario whose outage it cannot set, before any lab starts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-sdks-'));
    try {
      await expect(benchSdks({ ...base, configurations: ['default', 'nope'], outDir: out })).rejects.toThrow(InputError);
      await expect(benchSdks({ ...base, configurations: ['default'], scenario: 'redis-restart', outDir: out })).rejects.toThrow(/restore-dns/);
      expect(existsSync(join(out, 'bench-sdks.json'))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('--report-only runs nothing and still names every row: not measured, not applicable, or the same code as another', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-sdks-'));
    try {
      const r = await benchSdks({ ...base, configurations: ['default', 'legacy', 'default-before-2026'], outDir: out, reportOnly: true });
      const row = (svc: string, conf: string) => r.rows.find((x) => x.service === svc && x.configuration === conf)!;
      expect(r.rows).toHaveLength(6);
      expect(row('orders-node', 'legacy').notApplicable).toMatch(/no legacy mode/);
      expect(row('orders-python', 'default-before-2026')).toMatchObject({ sameAs: 'legacy', points: [] });
      expect(row('orders-python', 'default').points).toEqual([]);
      expect(readFileSync(join(out, 'bench-sdks.md'), 'utf8')).toContain('| python | boto3 1.44.18 | default | 8 s | not measured |');
      expect(readFileSync(join(out, 'bench-sdks.md'), 'utf8')).toContain('nothing was run');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('--set: service.* keys set every file, the others the scenario; loads and outages keep their own flags; a bad field is named before any lab', async () => {
    expect(splitSdksSets(['faults.1.durationMs=12000', 'service.tables.0.provisioned={"readCapacityUnits":400,"writeCapacityUnits":100}'])).toEqual({
      scenario: ['faults.1.durationMs=12000'],
      service: [['service.tables.0.provisioned', { readCapacityUnits: 400, writeCapacityUnits: 100 }]],
    });
    expect(() => splitSdksSets(['service.load=2'])).toThrow(/--loads/);
    expect(() => splitSdksSets(['operator.0.when.delayMs=5000'])).toThrow(/--outages/);
    expect(() => splitSdksSets(['nokey'])).toThrow(/key=value/);
    const out = mkdtempSync(join(tmpdir(), 'bench-sdks-'));
    try {
      await expect(benchSdks({ ...base, configurations: ['default'], sets: ['service.tables.0.provisioned={"readCapacityUnits":-1,"writeCapacityUnits":1}'], outDir: out })).rejects.toThrow(/--set service\.\* .*readCapacityUnits/s);
      await expect(benchSdks({ ...base, configurations: ['default'], sets: ['faults.9.durationMs=1'], outDir: out })).rejects.toThrow(InputError);
      const r = await benchSdks({ ...base, configurations: ['default'], sets: ['faults.1.durationMs=12000'], outDir: out, reportOnly: true });
      expect(r.sets).toEqual(['faults.1.durationMs=12000']);
      expect(readFileSync(join(out, 'bench-sdks.md'), 'utf8')).toContain('Every run with `--set faults.1.durationMs=12000`.');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
