/**
 * Every check can fail: each is fed a history in which it must fail and one in which it must
 * pass (pure logic over synthetic histories; the real runs are in chaos/*.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../core/events.ts';
import { event } from '../history/testing.ts';
import { ModelConfigSchema, type ModelConfig } from '../../core/model-config.ts';
import { analyseFigures } from '../analysis/analyse.ts';
import type { HistoryEvent } from '../history/history.ts';
import { CHECK_NAMES, CheckSpecSchema, evaluateChecks } from './index.ts';
import { INCIDENT_MILESTONES } from './milestones-in-order.ts';
import { shippedRules } from '../observe/harness-exporter.ts';

// M = 4000 leases, C = 4000 ops/s → bound 1 s; metastable above 5 s of collapse.
const MODEL = ModelConfigSchema.parse({ dwfm: { droplets: 4000 }, nlb: { targets: 24 } });
let seq = 0;
const ev = (t: number, type: EventType, fields: Record<string, unknown> = {}): HistoryEvent => event(t, type, fields, seq++);
const round = (t: number, reestablished: number, lapsed: number, wasted = 0) =>
  ev(t, 'metrics', {
    services: {
      dwfm: { dwfm_reestablished: reestablished, dwfm_leases_lapsed: lapsed, dwfm_leases_valid: 4000 - lapsed, dwfm_reestablish_items_sent: reestablished },
      dynamodb: { 'dynamodb_items_total{outcome="served",table="leases"}': reestablished, 'dynamodb_items_total{outcome="wasted",table="leases"}': wasted },
    },
  });

/** The whole us-east-1 arc, every milestone in order; `collapseS` seconds of collapse after DNS is back. */
function arc(opts: { collapseS?: number; throttleAtS?: number; drop?: string[]; times?: Record<string, number> } = {}): HistoryEvent[] {
  const at = (name: string, t: number) => opts.times?.[name] ?? t;
  const collapse = opts.collapseS ?? 0;
  const back = 10_000;
  const allValid = back + (collapse + 2) * 1000;
  const out: HistoryEvent[] = [
    ev(1000, 'steady-state.verified', { detail: 'ok' }),
    ev(4000, 'fault.injected', { name: 'enactor1-slow', faultType: 'latency', link: 'enactor1-route53', affects: ['enactor1'] }),
    ev(at('dns.empty', 5000), 'route53.record.empty', { regional: true, enactor: 'enactor1', generation: 7, cause: 'apply' }),
    ev(at('dns.detected', 5100), 'canary', { outcome: 'empty' }),
    ev(at('leases.lapsing', 6000), 'dwfm.leases.lapsing', { lapsed: 4000 }),
    ev(at('dns.restored', back), 'route53.record.restored', { regional: true, cause: 'operator-restore' }),
    ev(at('leases.all-valid', allValid), 'dwfm.leases.all-valid', { needed: 4000 }),
    ev(at('netmgr.building', allValid - 1000), 'netmgr.backlog.building'),
    ev(at('network.backlog.drained', allValid + 2000), 'netmgr.backlog.drained'),
    ev(at('nlb.removed', allValid - 500), 'nlb.target.removed', { inService: 20 }),
    ev(at('nlb.targets.restored', allValid + 2500), 'nlb.target.readded', { inService: 24 }),
    ev(allValid + 9000, 'writes.checked', { acknowledged: 100, lost: 0 }),
  ];
  if (opts.throttleAtS !== undefined) out.push(ev(back + opts.throttleAtS * 1000, 'operator.action', { action: 'throttle-dwfm', ok: true, scripted: true }));
  for (let s = 0; s <= 10; s++) out.push(round(s * 1000, 0, s >= 6 ? 4000 : 0));
  for (let s = 11; s <= 10 + collapse; s++) out.push(round(s * 1000, 0, 4000, 4000 * (s - 10)));
  out.push(round(allValid - 1000, 2000, 2000, 4000 * collapse), round(allValid, 4000, 0, 4000 * collapse), round(allValid + 1000, 4000, 0, 4000 * collapse));
  const end = allValid + 9;
  for (let s = 1; s <= end; s++) {
    out.push(ev(s * 1000 + 500, 'load.second', { sent: 10, ok: s >= 5 && s < 10 ? 0 : 10 }));
    out.push(ev(s * 1000 + 600, 'launch.second', { sent: 10, ok: s >= 6 && s < 11 ? 0 : 10 }));
  }
  const dropped = new Set(opts.drop ?? []);
  return out.filter((e) => !dropped.has(e.type)).sort((a, b) => a.t - b.t);
}

function run(name: string, events: readonly HistoryEvent[], settings: Record<string, unknown> = {}, model: ModelConfig = MODEL) {
  const spec = CheckSpecSchema.parse({ name, ...settings });
  const figures = analyseFigures(events, { ttlMs: 1000, model });
  return evaluateChecks([spec], { events, model, figures })[0]!;
}

describe('every check fails on a history made to fail it', () => {
  it('covers every registered check', () => {
    expect([...CHECK_NAMES].sort()).toEqual(
      ['alerts-in-order', 'collapse-reproduced', 'detection-within-1s', 'dns-never-empty', 'fencing-rejected-stale-apply', 'leases-reestablished', 'milestones-in-order', 'no-lost-writes', 'not-metastable', 'steady-before-faults'].sort(),
    );
  });

  it('steady-before-faults', () => {
    expect(run('steady-before-faults', arc()).status).toBe('pass');
    expect(run('steady-before-faults', [ev(1000, 'steady-state.failed', { detail: 'canary 3/40 ok' })])).toMatchObject({ status: 'fail', detail: 'canary 3/40 ok' });
  });

  it('dns-never-empty', () => {
    expect(run('dns-never-empty', arc()).status).toBe('fail');
    expect(run('dns-never-empty', arc({ drop: ['route53.record.empty'] })).status).toBe('pass');
  });

  it('detection-within-1s', () => {
    expect(run('detection-within-1s', arc()).status).toBe('pass');
    expect(run('detection-within-1s', arc({ times: { 'dns.detected': 6200 } }))).toMatchObject({ status: 'fail', detail: 'detected after 1200 ms (> 1000)' });
    expect(run('detection-within-1s', arc({ drop: ['canary'] }))).toMatchObject({ status: 'fail', detail: 'the canary never reported the empty record' });
  });

  it('no-lost-writes', () => {
    expect(run('no-lost-writes', arc()).status).toBe('pass');
    expect(run('no-lost-writes', [...arc({ drop: ['writes.checked'] }), ev(30_000, 'writes.checked', { acknowledged: 100, lost: 3 })])).toMatchObject({ status: 'fail', detail: '3 of 100 acknowledged writes lost' });
    expect(run('no-lost-writes', arc({ drop: ['writes.checked'] })).status).toBe('fail');
  });

  it('fencing-rejected-stale-apply', () => {
    const on = ModelConfigSchema.parse({ ...MODEL, safeguards: 'on' });
    const rejected = ev(5200, 'route53.apply.rejected-stale', { enactor: 'enactor1', generation: 7, active: 9 });
    expect(run('fencing-rejected-stale-apply', [...arc(), rejected].sort((a, b) => a.t - b.t), {}, on).status).toBe('pass');
    expect(run('fencing-rejected-stale-apply', arc(), {}, on).status).toBe('fail');
    // A rejection of an Enactor no fault touched is not the delayed one's.
    expect(run('fencing-rejected-stale-apply', [...arc(), { ...rejected, enactor: 'enactor2' }].sort((a, b) => a.t - b.t), {}, on).status).toBe('fail');
    expect(run('fencing-rejected-stale-apply', arc()).status).toBe('skipped');
  });

  it('leases-reestablished', () => {
    expect(run('leases-reestablished', arc()).status).toBe('pass');
    expect(run('leases-reestablished', arc({ drop: ['dwfm.leases.all-valid'] })).status).toBe('fail');
  });

  it('not-metastable', () => {
    expect(run('not-metastable', arc({ collapseS: 2 })).status).toBe('pass');
    expect(run('not-metastable', arc({ collapseS: 8 }))).toMatchObject({ status: 'fail', detail: expect.stringContaining('metastable') });
  });

  it('collapse-reproduced: metastable and not recovered by itself', () => {
    expect(run('collapse-reproduced', arc({ collapseS: 8, throttleAtS: 8 }))).toMatchObject({ status: 'pass', detail: expect.stringContaining('only after the scripted throttle') });
    expect(run('collapse-reproduced', arc({ collapseS: 8, drop: ['dwfm.leases.all-valid'] })).status).toBe('pass');
    expect(run('collapse-reproduced', arc({ collapseS: 2 }))).toMatchObject({ status: 'fail', detail: expect.stringContaining('no metastable collapse') });
    expect(run('collapse-reproduced', arc({ collapseS: 8 }))).toMatchObject({ status: 'fail', detail: expect.stringContaining('recovered by itself') });
  });

  it('milestones-in-order: complete passes; a missing milestone fails; a swapped pair fails', () => {
    const ok = run('milestones-in-order', arc());
    expect(ok.status, ok.detail).toBe('pass');
    expect(ok.detail.split(' → ').sort()).toEqual([...INCIDENT_MILESTONES].sort());
    const missing = run('milestones-in-order', arc({ drop: ['nlb.target.readded'] }));
    expect(missing).toMatchObject({ status: 'fail', detail: expect.stringContaining('nlb.targets.restored missing') });
    const swapped = run('milestones-in-order', arc({ times: { 'network.backlog.drained': 11_500, 'netmgr.building': 11_000 } }));
    expect(swapped).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^leases\.all-valid \(12000 ms\) after network\.backlog\.drained \(11500 ms\)$/) });
    // A later milestone is found on its own, not searched for only after an earlier one.
    const early = run('milestones-in-order', arc({ times: { 'dns.detected': 4500 } }));
    expect(early).toMatchObject({ status: 'fail', detail: 'dns.empty (5000 ms) after dns.detected (4500 ms)' });
  });

  it('milestones-in-order: a few leases lapsed while things started, before the faults phase, are not the outage’s (the CI run of adb5690)', () => {
    // 32 leases lapsed at 1.5 s and were back at 1.9 s, before any fault (the run then waited for them to hold).
    const warmupLapse = [ev(1500, 'dwfm.leases.lapsing', { lapsed: 32 }), ev(1900, 'dwfm.leases.all-valid', { needed: 32 })];
    const withoutPhases = run('milestones-in-order', [...warmupLapse, ...arc()].sort((a, b) => a.t - b.t));
    expect(withoutPhases).toMatchObject({ status: 'fail', detail: expect.stringContaining('after leases.all-valid (1900 ms)') });
    const phased = run('milestones-in-order', [...warmupLapse, ev(3900, 'run.phase', { phase: 'faults' }), ...arc()].sort((a, b) => a.t - b.t));
    expect(phased.status, phased.detail).toBe('pass');
    const figures = analyseFigures([...warmupLapse, ev(3900, 'run.phase', { phase: 'faults' }), ...arc()].sort((a, b) => a.t - b.t), { ttlMs: 1000, model: MODEL });
    expect(figures.recovery.milestones.find((m) => m.name === 'leases.lapsing')?.atMs).toBe(6000);
  });

  it('alerts-in-order: the empty-answer alert first and in time, the outage alerts while empty, the recovery ones after, the typical one silent, all resolved', () => {
    const rules = shippedRules();
    // The arc: the record empty 5–10 s, DynamoDB reachable again at 10 s; alerts as Prometheus would start them.
    const fired: Record<string, number> = {
      DynamoDBEndpointHasNoAddresses: 6200,
      DynamoDBAPIErrors: 6800,
      CustomerErrorRateOverSLO: 7000,
      DWFMLeasesLapsing: 6200,
      DWFMNoProgress: 14_000,
      NetworkBacklogGrowing: 13_000,
      NLBRemovingCapacity: 13_000,
    };
    const alerts = (f: Record<string, number>, o: { unresolved?: string } = {}) => [
      ev(500, 'monitoring.rules', { rules }),
      ...Object.entries(f).flatMap(([alertname, t]) => {
        const r = rules.find((x) => x.alertname === alertname)!;
        const fields = { alertname, stage: r.stage, phase: r.phase, monitoring: r.monitoring, startsAtMs: t };
        return [ev(t + 300, 'alert.firing', fields), ...(o.unresolved === alertname ? [] : [ev(30_000, 'alert.resolved', { ...fields, endsAtMs: 29_500 })])];
      }),
    ];
    const withAlerts = (f: Record<string, number>, o: { unresolved?: string } = {}) => [...arc({ collapseS: 8 }), ...alerts(f, o)].sort((a, b) => a.t - b.t);
    const ok = run('alerts-in-order', withAlerts(fired));
    expect(ok.status, ok.detail).toBe('pass');
    expect(ok.detail).toMatch(/^DynamoDBEndpointHasNoAddresses \+1\.2 s → /);
    expect(run('alerts-in-order', arc()).status).toBe('skipped');
    expect(run('alerts-in-order', withAlerts({ ...fired, DWFMLeasesLapsing: 5800 }))).toMatchObject({ status: 'fail', detail: 'DWFMLeasesLapsing (5800 ms) fired before DynamoDBEndpointHasNoAddresses (6200 ms)' });
    expect(run('alerts-in-order', withAlerts({ ...fired, DynamoDBAPIErrors: 11_000 }))).toMatchObject({ status: 'fail', detail: 'DynamoDBAPIErrors first fired at 11000 ms, not while the record was empty (5000–10000 ms)' });
    expect(run('alerts-in-order', withAlerts({ ...fired, NLBRemovingCapacity: 9000 }))).toMatchObject({ status: 'fail', detail: 'NLBRemovingCapacity first fired at 9000 ms, before DynamoDB was reachable again (10000 ms)' });
    expect(run('alerts-in-order', withAlerts({ ...fired, DynamoDBResolutionFailing: 6500 }))).toMatchObject({ status: 'fail', detail: 'DynamoDBResolutionFailing fired while the record was empty' });
    expect(run('alerts-in-order', withAlerts({ ...fired, DynamoDBEndpointHasNoAddresses: 7500 }))).toMatchObject({ status: 'fail', detail: expect.stringContaining('DynamoDBEndpointHasNoAddresses fired 2500 ms after the empty record (> 2000 ms)') });
    const { DWFMNoProgress: _gone, ...noCollapseAlert } = fired;
    expect(run('alerts-in-order', withAlerts(noCollapseAlert))).toMatchObject({ status: 'fail', detail: 'DWFMNoProgress never fired' });
    expect(run('alerts-in-order', withAlerts(fired, { unresolved: 'DWFMLeasesLapsing' }))).toMatchObject({ status: 'fail', detail: 'DWFMLeasesLapsing still firing at the end' });
  });

  it('rejects unknown check settings with the field named', () => {
    expect(CheckSpecSchema.safeParse({ name: 'milestones-in-order', expect: ['dns.nope'] }).error?.issues[0]).toMatchObject({ path: ['expect', 0] });
    expect(CheckSpecSchema.safeParse({ name: 'not-metastable', within: 3 }).success).toBe(false);
    expect(CheckSpecSchema.safeParse('no-such-check').success).toBe(false);
  });
});
