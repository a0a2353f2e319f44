import { describe, expect, it } from 'vitest';
import type { EventType } from '../../core/events.ts';
import { event } from '../history/testing.ts';
import { ModelConfigSchema } from '../../core/model-config.ts';
import type { HistoryEvent } from '../history/history.ts';
import { milestoneProblems } from './milestones.ts';
import { analyseRecovery } from './recovery.ts';

// A synthetic history (pure logic only): M = 4000 leases, C = 4000 ops/s → bound 1 s.
const model = ModelConfigSchema.parse({ dwfm: { droplets: 4000 } });
let ts = 0;
const ev = (t: number, type: EventType, fields: Record<string, unknown> = {}): HistoryEvent => event(t, type, fields, ts++);
const round = (t: number, reestablished: number, lapsed: number, served: number, wasted: number) =>
  ev(t, 'metrics', {
    services: {
      dwfm: { dwfm_reestablished: reestablished, dwfm_leases_lapsed: lapsed, dwfm_reestablish_items_sent: reestablished * 3 },
      dynamodb: { 'dynamodb_items_total{outcome="served",table="leases"}': served, 'dynamodb_items_total{outcome="wasted",table="leases"}': wasted },
    },
  });

function history(collapseSeconds: number): HistoryEvent[] {
  const out = [ev(0, 'fault.injected', { name: 'cut', faultType: 'link-down', links: ['dynamodb-fe1'] }), ev(1000, 'dwfm.leases.lapsing')];
  for (let s = 1; s <= 3; s++) out.push(round(s * 1000, 0, 4000, 0, 0));
  out.push(ev(3000, 'fault.healed', { name: 'cut' }));
  let wasted = 0;
  for (let s = 4; s < 4 + collapseSeconds; s++) out.push(round(s * 1000, 0, 4000, 0, (wasted += 4000)));
  const end = 4 + collapseSeconds;
  out.push(round(end * 1000, 2000, 2000, 2000, wasted), round((end + 1) * 1000, 4000, 0, 4000, wasted));
  out.push(ev((end + 1) * 1000, 'dwfm.leases.all-valid', { needed: 4000, attempts: 100, itemsSent: 12000 }));
  // Customers fail only while DynamoDB is cut off (their table is not the one the herd saturates).
  for (let s = 0; s < end + 8; s++) out.push(ev(s * 1000 + 500, 'load.second', { sent: 10, ok: s >= 1 && s < 4 ? 0 : 10 }));
  return out;
}

describe('recovery analysis', () => {
  it('measures re-establishment against the capacity bound and the amplification from DynamoDB being back', () => {
    const r = analyseRecovery(history(2), model);
    expect(r.capacityBoundMs).toBe(1000);
    expect(r.reachableAtMs).toBe(3000);
    expect(r.leases.reestablishMs).toBe(4000);
    expect(r.leases.amplification).toBe(3);
    expect(r.metastable).toBe(false);
  });

  it('calls a collapse longer than 5 × M / C after the trigger is gone metastable, and counts its wasted work', () => {
    const r = analyseRecovery(history(7), model);
    expect(r.collapseMs).toBeGreaterThan(5000);
    expect(r.metastable).toBe(true);
    expect(r.wasted.items).toBeGreaterThan(20_000);
    expect(r.wasted.share).toBeGreaterThan(0.8);
  });

  it('lists milestones in time order and finds time to recover once every SLO holds to the end', () => {
    const r = analyseRecovery(history(2), model);
    expect(r.recovery.milestones.map((m) => m.name)).toEqual(['fault.injected', 'leases.lapsing', 'dynamodb.reachable', 'dynamodb.healthy', 'leases.all-valid']);
    expect(r.recovery.ttrMs).toBe(1500);
    expect(milestoneProblems(r.recovery.milestones, r.recovery.milestones.map((m) => m.name))).toEqual([]);
    expect(r.recoveredBy).toBe('self');
  });
});
