/**
 * A service judged from a history alone: phases from the record's commits, time to recover at the
 * end of the first window where the SLO held, amplification from the stand-in's per-key count,
 * the first error while empty — and the check `service-slo-recovered` fails a service that came
 * back late, never came back (metastable), was cut short by the run's end, or exited, on histories
 * made to do each.
 */
import { describe, expect, it } from 'vitest';
import { serviceSloRecovered } from '../chaos/checks/service-slo-recovered.ts';
import type { HistoryEvent } from '../core/events.ts';
import { afterRestoreOf, AFTER_RESTORE_SECONDS, analyseServices } from './analysis.ts';

const SLO = { successRatio: 0.9, latencyMs: 500, windowMs: 3000, recoverWithinMs: 10_000 };

/** A history: the service starts at 1 s, the record empties at 10 s and comes back at `restoreAt`; `good(t)` is the share of good requests in the second ending at t (s). */
function history(o: { restoreAt?: number; emptyAt?: number; end: number; good: (s: number) => number; exitAt?: number; callsPerRequest?: (s: number) => number }): HistoryEvent[] {
  const ev: HistoryEvent[] = [];
  const at = (t: number, type: string, fields: Record<string, unknown>) => ev.push({ t: t * 1000, ts: 0, source: 'test', type, ...fields } as unknown as HistoryEvent);
  at(1, 'service.started', { service: 'orders', language: 'node', sdk: '@aws-sdk/client-dynamodb', sdkVersion: '3.1169.0', address: '127.0.13.1:8080', retry: { AWS_MAX_ATTEMPTS: '3' }, readyMs: 400, slo: SLO });
  if (o.emptyAt !== undefined) at(o.emptyAt, 'route53.record.empty', { endpoint: 'dynamodb', regional: true });
  if (o.restoreAt !== undefined) at(o.restoreAt, 'route53.record.restored', { endpoint: 'dynamodb', regional: true });
  let calls = 0;
  for (let s = 2; s <= o.end; s++) {
    if (o.exitAt !== undefined && s > o.exitAt) break;
    const g = Math.round(o.good(s) * 20);
    at(s, 'service.second', { service: 'orders', sent: 20, ok: g, good: g, errors: g < 20 ? { 'http-503': 20 - g } : {}, p99Ms: g < 20 ? 1800 : 40 });
    calls += 20 * (o.callsPerRequest?.(s) ?? 1);
    at(s + 0.01, 'metrics', { round: s, services: { dynamodb: { 'dynamodb_client_requests_total{client="orders"}': calls, 'dynamodb_client_requests_total{client="other"}': 999 } } });
    if (o.emptyAt !== undefined && s === o.emptyAt + 1) at(s, 'service.error', { service: 'orders', request: 'list-orders', status: 503, error: 'Error: getaddrinfo ENOTFOUND dynamodb.us-east-1.aws.test' });
  }
  if (o.exitAt !== undefined) at(o.exitAt, 'service.exited', { service: 'orders', log: 'panic: out of memory' });
  return ev.sort((a, b) => a.t - b.t);
}

const down = (from: number, to: number) => (s: number) => (s > from && s <= to ? 0 : 1);

describe('a service judged from the history', () => {
  it('recovered: phases, time to recover at the first good window’s end, amplification, the first error while empty; the check passes', () => {
    const [svc] = analyseServices(history({ emptyAt: 10, restoreAt: 20, end: 40, good: down(10, 24), callsPerRequest: (s) => (s > 20 && s <= 24 ? 3 : 1) }));
    expect(svc!.phases.map((p) => p.name)).toEqual(['steady', 'empty', 'recovering', 'after']);
    // Good from 25 s; the first 3 s window all good ends at 27 s: 7 s after the restore at 20 s.
    expect(svc!.ttrMs).toBe(7000);
    expect(svc).toMatchObject({ verdict: 'recovered', metastable: false, firstError: { request: 'list-orders', status: 503, error: expect.stringMatching(/ENOTFOUND/) }, retry: { AWS_MAX_ATTEMPTS: '3' } });
    const steady = svc!.phases[0]!;
    expect(steady).toMatchObject({ requests: 180, ok: 180, p99Ms: 40, dynamodbCallsPerRequest: 1 });
    const recovering = svc!.phases[2]!;
    // 4 s at 3 calls a request, 3 s at 1: 300 calls over 140 requests.
    expect(recovering.dynamodbCallsPerRequest).toBeCloseTo(300 / 140, 2);
    expect(serviceSloRecovered(svc!)).toMatchObject({ name: 'service-slo-recovered (orders)', status: 'pass' });
  });

  it('late, metastable, exited: the check fails each, naming why; no trigger: skipped', () => {
    const late = analyseServices(history({ emptyAt: 10, restoreAt: 20, end: 60, good: down(10, 40) }))[0]!;
    expect(late).toMatchObject({ verdict: 'late', ttrMs: 23_000 });
    expect(serviceSloRecovered(late)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/only 23\.0 s after DNS came back \(bound 10 s\)/) });
    const stuck = analyseServices(history({ emptyAt: 10, restoreAt: 20, end: 60, good: down(10, 60) }))[0]!;
    expect(stuck).toMatchObject({ verdict: 'metastable', metastable: true, ttrMs: null });
    expect(stuck.phases.at(-1)).toMatchObject({ name: 'recovering', good: 0 });
    expect(serviceSloRecovered(stuck)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/never met its SLO again/) });
    // Down when the run ended 10 s after the restore, before its 10 s bound and a 3 s window had passed: not judged.
    const short = analyseServices(history({ emptyAt: 10, restoreAt: 20, end: 30, good: down(10, 60) }))[0]!;
    expect(short).toMatchObject({ verdict: 'cut-short', metastable: false, ttrMs: null });
    expect(serviceSloRecovered(short)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/before its bound \(10 s\) .* not judged/) });
    const died = analyseServices(history({ emptyAt: 10, restoreAt: 20, end: 60, good: down(10, 22), exitAt: 30 }))[0]!;
    expect(serviceSloRecovered(died)).toMatchObject({ status: 'fail', detail: 'the service exited during the run' });
    const calm = analyseServices(history({ end: 30, good: () => 1 }))[0]!;
    expect(calm).toMatchObject({ verdict: 'no-trigger', phases: [{ name: 'steady' }] });
    expect(serviceSloRecovered(calm).status).toBe('skipped');
  });
});

describe('how a service came back to its table after DNS', () => {
  // Scrapes each second from 0 to 30 s; the record comes back at 10 s.
  const scrapes = (perSecondAt: (s: number) => number) => {
    let v = 0;
    return Array.from({ length: 31 }, (_, s) => ({ t: s * 1000, v: (v += s ? perSecondAt(s) : 0) }));
  };

  it('its first call (to the scrape that saw it), its calls, its table’s units and throttled calls a second, beside the capacity', () => {
    // Nothing until 3 s after the restoration (a cached "no such host"), then 64 calls a second of 7 units.
    const calls = scrapes((s) => (s <= 13 ? 0 : 64));
    const units = scrapes((s) => (s <= 13 ? 0 : 448));
    const throttled = scrapes((s) => (s > 20 ? 7 : 0));
    const a = afterRestoreOf(calls, units, 10_000, 30_000, { name: 'orders', capacityPerSec: 555 }, throttled)!;
    expect(a.firstCallMs).toBe(4000);
    expect(a.callsPerSecond).toHaveLength(20); // the run's end, before AFTER_RESTORE_SECONDS
    expect(a.callsPerSecond.slice(0, 5)).toEqual([0, 0, 0, 64, 64]);
    expect(a.throttledPerSecond.slice(9, 12)).toEqual([0, 7, 7]);
    expect(a.unitsPerSecond[4]).toBe(448);
    expect(a).toMatchObject({ table: 'orders', capacityPerSec: 555 });
  });

  it('a service that never called again says so; a run without a restoration has nothing to say; a short run follows only its seconds', () => {
    const silent = scrapes(() => 0);
    expect(afterRestoreOf(silent, [], 10_000, 30_000, null)).toMatchObject({ firstCallMs: null, table: null, unitsPerSecond: [], throttledPerSecond: [] });
    expect(afterRestoreOf(silent, [], undefined, 30_000, null)).toBeNull();
    expect(afterRestoreOf(scrapes(() => 5), [], 25_000, 30_000, null)!.callsPerSecond).toEqual([5, 5, 5, 5, 5]);
  });

  it('is in every judged service of a history with a restoration', () => {
    const [svc] = analyseServices(history({ emptyAt: 10, restoreAt: 20, end: 90, good: down(10, 24) }));
    expect(svc!.afterRestore!.callsPerSecond).toHaveLength(AFTER_RESTORE_SECONDS);
    expect(svc!.afterRestore!.firstCallMs).toBeLessThan(1500); // the first scrape after it
  });
});
