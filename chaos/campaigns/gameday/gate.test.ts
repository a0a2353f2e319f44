import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArmFigures, Comparison } from './comparison.ts';
import { gate, readBaseline } from './gate.ts';

const arm = (name: string, f: Partial<ArmFigures> = {}): ArmFigures => ({
  name,
  description: name,
  expect: 'recover',
  verdict: 'pass',
  status: 'completed',
  metastable: false,
  recoveredBy: 'self',
  throttleScripted: true,
  collapseMs: 0,
  collapsedBeforeRescueMs: null,
  ttrMs: 5000,
  reestablishMs: 3000,
  ratioToBound: 1.2,
  amplification: 1,
  customerErrorSeconds: 4,
  wastedShare: 0,
  checks: [],
  runDir: `arms/${name}`,
  ...f,
});
const cmp = (arms: ArmFigures[], quick = true): Comparison => ({ version: 1, scenario: 'us-east-1', seed: 1, quick, leases: 10_000, capacityPerSec: 4000, capacityBoundMs: 2500, arms });

describe('the regression gate (pure logic)', () => {
  it('passes a game day against itself', () => {
    const c = cmp([arm('best'), arm('naive', { expect: 'collapse', metastable: true, recoveredBy: 'throttle', ttrMs: 23_000, ratioToBound: 8.5, amplification: 10 })]);
    const g = gate(c, c, 'self.json');
    expect(g.pass).toBe(true);
    expect(g.findings.every((f) => !f.regressed)).toBe(true);
  });

  it('names every figure beyond its tolerance, and nothing within it', () => {
    const base = cmp([arm('best')]);
    const within = cmp([arm('best', { ttrMs: 5000 * 1.25 + 3000, ratioToBound: 1.2 * 1.25 + 0.3 })]);
    expect(gate(within, base, 'b.json').pass).toBe(true);
    const worse = cmp([arm('best', { ttrMs: 9300, ratioToBound: 1.9, amplification: 1.8, customerErrorSeconds: 9 })]);
    const g = gate(worse, base, 'b.json');
    expect(g.pass).toBe(false);
    expect(g.findings.filter((f) => f.regressed).map((f) => f.figure).sort()).toEqual(['amplification', 'customerErrorSeconds', 'ratioToBound', 'ttrMs']);
    expect(g.findings.find((f) => f.figure === 'ttrMs')!.detail).toBe('best: ttrMs 9300 ms > 9250 (baseline 5000 + 25 % + 3000)');
  });

  it('flags an arm that became metastable, needs the throttle now, or no longer recovers', () => {
    const base = cmp([arm('best'), arm('jitter')]);
    const g = gate(cmp([arm('best', { metastable: true, recoveredBy: 'throttle' }), arm('jitter', { recoveredBy: null, ttrMs: null, reestablishMs: null, ratioToBound: null })]), base, 'b.json');
    const regressed = g.findings.filter((f) => f.regressed).map((f) => `${f.arm} ${f.figure}`);
    expect(regressed).toEqual(expect.arrayContaining(['best metastable', 'best recovered', 'jitter recovered', 'jitter ttrMs', 'jitter ratioToBound']));
  });

  it("holds a user's service to its baseline: stayed down, no longer recovers, slower or more calls per request", () => {
    const svc = (name: string, f: Partial<NonNullable<ArmFigures['services']>[number]> = {}) => ({ name, verdict: 'recovered' as const, metastable: false, ttrMs: 14_000, callsPerRequest: 1.6, ...f });
    const base = cmp([arm('best', { services: [svc('orders-node'), svc('orders-go'), svc('orders-java')] })]);
    expect(gate(base, base, 'b.json').pass).toBe(true);
    const within = cmp([arm('best', { services: [svc('orders-node', { ttrMs: 14_000 * 1.25 + 3000, callsPerRequest: 1.6 * 1.25 + 0.3 }), svc('orders-go'), svc('orders-java')] })]);
    expect(gate(within, base, 'b.json').pass).toBe(true);
    const worse = cmp([
      arm('best', {
        services: [
          svc('orders-node', { verdict: 'metastable', metastable: true, ttrMs: null, callsPerRequest: 11.7 }),
          svc('orders-go', { verdict: 'late', ttrMs: 70_000 }),
          svc('orders-python'),
        ],
      }),
    ]);
    const g = gate(worse, base, 'b.json');
    expect(g.pass).toBe(false);
    expect(g.findings.filter((f) => f.regressed).map((f) => `${f.arm} ${f.figure}`)).toEqual(['best/orders-node metastable', 'best/orders-node callsPerRequest', 'best/orders-go ttrMs']);
    expect(g.findings.find((f) => f.arm === 'best/orders-node' && f.figure === 'callsPerRequest')!.detail).toBe('best/orders-node: callsPerRequest 11.7 calls/request > 2.3 (baseline 1.6 + 25 % + 0.3)');
    expect(g.notes).toEqual(['service orders-java of arm best is in the baseline but not in this game day: not compared', 'service orders-python of arm best has no baseline: not compared']);
  });

  it('refuses to compare a quick game day with a full one, and notes arms it cannot compare', () => {
    expect(() => gate(cmp([arm('best')], true), cmp([arm('best')], false), 'full.json')).toThrow(/compare like with like/);
    const g = gate(cmp([arm('best'), arm('new')]), cmp([arm('best'), arm('gone')]), 'b.json');
    expect(g.notes).toEqual(['arm gone is in the baseline but not in this game day: not compared', 'arm new has no baseline: not compared']);
  });

  it('reads a baseline with errors naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify({ ...cmp([arm('best')]), capacityBoundMs: 'fast' }));
    expect(() => readBaseline(f)).toThrow(/capacityBoundMs: .*comparison\.json written by `outage-lab gameday`/);
    writeFileSync(f, '{nope');
    expect(() => readBaseline(f)).toThrow(/is not JSON/);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/does not exist/);
  });
});
