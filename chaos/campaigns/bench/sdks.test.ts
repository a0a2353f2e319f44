import { describe, expect, it } from 'vitest';
import { boundaryOf } from './boundary.ts';
import type { ServiceRunRow } from './service.ts';
import { pointsOf, predictionAgrees, renderSdksBench, type SdksBenchResult } from './sdks.ts';

const run = (seed: number, metastable: boolean, over: Partial<ServiceRunRow> = {}): ServiceRunRow => ({
  seed,
  verdict: metastable ? 'metastable' : 'recovered',
  ttrMs: metastable ? null : 6000 + seed * 100,
  metastable,
  recoveringCallsPerRequest: metastable ? 1.9 : 1.2,
  recoveringGoodShare: null,
  emptyGoodShare: null,
  firstError: null,
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
    const base = { service: 'orders-node', language: 'node', sdk: '@aws-sdk/client-dynamodb 3.1169.0', description: '', policy: null, outageMs: 8000, predictedBoundary: 0.5, amplification: 1.9, ttrMs: null, atRho: 0.62, update2026: 'in force' };
    const points = [
      { load: 1, rho: 0.41, metastable: 0, runs: 3, rate: null, ttrMs: 6000, recoveringCallsPerRequest: 1.2 },
      { load: 1.5, rho: 0.62, metastable: 3, runs: 3, rate: null, ttrMs: null, recoveringCallsPerRequest: 1.9 },
    ];
    const r: SdksBenchResult = {
      scenario: 'slow-return',
      quick: true,
      loads: [1, 1.5],
      outagesMs: [8000],
      repeat: 3,
      wallMs: 60_000,
      rows: [
        { ...base, configuration: 'default', sets: {}, sameAs: null, notApplicable: null, points, boundary: boundaryOf(points), agrees: true },
        { ...base, configuration: 'standard', sets: { 'service.env.AWS_RETRY_MODE': 'standard' }, sameAs: 'default', notApplicable: null, points, boundary: boundaryOf(points), agrees: true },
        { ...base, configuration: 'legacy', sets: {}, sameAs: null, notApplicable: '@aws-sdk/client-dynamodb has no legacy mode', points: [], boundary: boundaryOf([]), agrees: null },
      ],
    };
    const md = renderSdksBench(r);
    expect(md).toContain('| node | @aws-sdk/client-dynamodb 3.1169.0 | default | 8 s | 0.41–0.62 | 0.5 | yes | 0.62 | 1.9 | stayed down 3 of 3 |');
    expect(md).toContain('0.41–0.62 (same code as default)');
    expect(md).toContain('not applicable: @aws-sdk/client-dynamodb has no legacy mode');
    expect(md).toContain('- **node** (@aws-sdk/client-dynamodb 3.1169.0): in force');
  });
});
