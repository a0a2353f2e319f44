/**
 * The console's view of a history (pure logic): what blind mode hides never leaves the server,
 * and what it shows instead is what typical monitoring showed.
 */
import { describe, expect, it } from 'vitest';
import type { EventType } from '../core/events.ts';
import { event } from '../chaos/history/testing.ts';
import type { HistoryEvent } from '../chaos/history/history.ts';
import { DEFAULT_MODEL_CONFIG } from '../core/model-config.ts';
import { ConsoleView, type ConsoleMessage } from './view.ts';

const T0 = 1_800_000_000_000;
let t = 0;
const ev = (type: EventType, fields: Record<string, unknown> = {}): HistoryEvent => event((t += 100), type, fields, T0 + t);

function history(): HistoryEvent[] {
  t = 0;
  const out: HistoryEvent[] = [ev('run.phase', { phase: 'warmup' })];
  // The lab settling on a busy machine: its cold start's herd, the re-seed, a window that did not hold.
  out.push(ev('dwfm.leases.lapsing', { lapsed: 88 }), ev('dwfm.reseeded', { lapsed: 10_000, droplets: 10_000, dropped: 126 }));
  out.push(ev('steady-state.not-yet', { detail: 'canary 20/20 ok, customer error rate 0.00 % of 20; DWFM leases: 88 lapsed in 1 episode before any fault (the last at 0.9 s, all valid again at 4.0 s)', window: 1 }));
  out.push(ev('steady-state.verified', { detail: 'ok' }), ev('game.started', { actor: 'human', by: 'fac' }), ev('run.phase', { phase: 'faults' }));
  out.push(ev('fault.injected', { name: 'enactor1-slow', faultType: 'latency', link: 'enactor1-route53', latencyMs: 1100, affects: ['enactor1'] }));
  for (let i = 0; i < 30; i++) out.push(ev('canary', { outcome: 'ok', addresses: 3 }));
  out.push(ev('route53.record.empty', { regional: true, enactor: 'enactor1', generation: 52, cause: 'apply' }));
  out.push(ev('canary.alert', { outcome: 'empty', name: 'dynamodb.us-east-1.aws.test' }));
  for (let i = 0; i < 30; i++) out.push(ev('canary', { outcome: 'empty', addresses: 0 }));
  out.push(ev('load.second', { sent: 20, ok: 0, errors: { 'dns-empty': 20 } }));
  out.push(ev('alert.firing', { alertname: 'DynamoDBEndpointHasNoAddresses', monitoring: 'lesson-03', summary: "DynamoDB's regional endpoint answers with no A record (an empty answer is not an error to a resolver)" }));
  out.push(ev('alert.firing', { alertname: 'DynamoDBAPIErrors', monitoring: 'typical', summary: 'DynamoDB clients see more than one error a second' }));
  out.push(ev('operator.action', { action: 'restore-dns', ok: true, actor: 'human', by: 'alice', restored: 10, addresses: ['127.0.11.1'], automationDisabled: true }));
  out.push(ev('fault.healed', { name: 'enactor1-slow' }));
  out.push(ev('run.stop', { reason: 'time limit 25 s reached' }));
  return out;
}

const run = (blind: boolean): ConsoleMessage[] => {
  const v = new ConsoleView({ blind, model: DEFAULT_MODEL_CONFIG, dnsName: 'dynamodb.us-east-1.aws.test', mapEveryMs: 500 });
  return history().flatMap((e) => v.push(e));
};

describe('console view', () => {
  it('shows the lab everything it knows when not blind: the empty class, the fault window, the empty record, the canary', () => {
    const all = JSON.stringify(run(false));
    expect(all).toContain('"s":"empty"');
    expect(all).toContain('"k":"window"');
    expect(all).toContain('EMPTY regional record');
    expect(all).toContain('lab canary (lesson 03) ALERT');
    expect(all).toContain('empty DNS answer');
    expect(all).toContain("lab set-up: DWFM's fleet re-seeded (10000 leases had lapsed while the lab started)");
    expect(all).toContain('the lab is still settling (window 1: ');
    expect(run(false).filter((m) => m.k === 'page').map((m) => (m as { alertname: string }).alertname)).toEqual(['DynamoDBEndpointHasNoAddresses', 'DynamoDBAPIErrors']);
  });

  it('blind: no empty-answer class, no fault schedule, no lab canary, nothing naming the cause — in any message, the map included', () => {
    const msgs = run(true);
    const all = JSON.stringify(msgs);
    expect(all).not.toMatch(/empty/i);
    expect(all).not.toMatch(/fault|enactor1-slow|latency|scripted/i);
    expect(msgs.some((m) => m.k === 'window')).toBe(false);
    // What typical monitoring showed: DNS NOERROR throughout, clients failing to resolve.
    const dns = msgs.filter((m): m is Extract<ConsoleMessage, { k: 'pt' }> => m.k === 'pt' && m.c === 'dns');
    expect(new Set(dns.map((p) => p.s))).toEqual(new Set(['NOERROR', 'failed (SERVFAIL, NXDOMAIN, timeout, refused)']));
    expect(dns.filter((p) => p.s !== 'NOERROR').every((p) => p.y === 0)).toBe(true);
    expect(msgs).toContainEqual(expect.objectContaining({ k: 'pt', c: 'ddb-errors', s: 'name resolution failed', y: 20 }));
    // The pager of the day: the typical alert pages, the lesson-03 one does not exist.
    expect(msgs.filter((m) => m.k === 'page').map((m) => (m as { alertname: string }).alertname)).toEqual(['DynamoDBAPIErrors']);
    // People's acts are shown either way, with who did them.
    expect(msgs).toContainEqual(expect.objectContaining({ k: 'feed', kind: 'human', by: 'alice' }));
    const map = msgs.filter((m) => m.k === 'map').at(-1) as { svg: string } | undefined;
    expect(map?.svg).toContain('not monitored');
  });

  it('a game that lost its trigger says so plainly, blind or not, and shows who re-armed it', () => {
    t = 0;
    const lost = [
      ev('run.phase', { phase: 'faults' }),
      ev('fault.injected', { name: 'enactor1-slow', faultType: 'held-apply', link: 'enactor1-route53', latencyMs: 500, affects: ['enactor1'] }),
      ev('fault.trigger.gave-up', { name: 'enactor1-slow', enactor: 'enactor1', afterMs: 60000, holds: 0, missed: 0, reason: "no one-time check of enactor1's passed" }),
      ev('game.trigger-rearmed', { actor: 'human', by: 'fac', faults: ['enactor1-slow'] }),
    ];
    for (const blind of [false, true]) {
      const v = new ConsoleView({ blind, model: DEFAULT_MODEL_CONFIG, dnsName: 'dynamodb.us-east-1.aws.test', mapEveryMs: 500 });
      const feed = lost.flatMap((e) => v.push(e)).filter((m): m is Extract<ConsoleMessage, { k: 'feed' }> => m.k === 'feed');
      expect(feed.map((f) => f.text)).toContain(blind ? 'NO TRIGGER: the outage did not start within 60 s. Facilitator: re-arm the trigger, or end the game.' : "NO TRIGGER: the closed-loop trigger gave up after 60 s (no one-time check of enactor1's passed). Facilitator: re-arm the trigger, or end the game.");
      expect(feed.at(-1)).toMatchObject({ kind: 'game', text: 'fac re-armed the trigger', by: 'fac' });
      if (blind) expect(JSON.stringify(feed)).not.toMatch(/empty|fault|enactor1|latency/i);
    }
  });
});
