/**
 * The debrief on a recorded game (testdata/game-collapsed: us-east-1 --quick played from a shell,
 * seed 1 — the facilitator started it, bob declared and named a wrong cause, alice restored DNS,
 * nobody throttled DWFM), analysed again by this checkout's code, and on variants of that history
 * edited by hand: a throttle that set no limit, and a trigger that gave up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory, type HistoryEvent } from '../chaos/history/history.ts';
import { journalOf, type RunSummary } from '../chaos/run/journal.ts';
import { summarise } from '../chaos/run/phases/analyse.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { computeDebrief, type Debrief } from './debrief.ts';
import { PlayMetaSchema } from './game-report.ts';

const dir = join(PROJECT_ROOT, 'testdata', 'game-collapsed');
const meta = PlayMetaSchema.parse(JSON.parse(readFileSync(join(dir, 'play.json'), 'utf8')));
const stored = JSON.parse(readFileSync(join(dir, 'arms', 'responders', 'summary.json'), 'utf8')) as RunSummary;
const recorded: HistoryEvent[] = readHistory(join(dir, 'arms', 'responders', 'timeline.ndjson.gz'));

function debrief(events: readonly HistoryEvent[]): Debrief {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const summary: RunSummary = summarise(journalOf(stored), sorted);
  return computeDebrief(sorted, summary, { scenario: meta.scenario, blind: meta.blind, minutesPerRunSecond: meta.minutesPerRunSecond, scaleNote: meta.scaleNote, best: null });
}

const at = (e: HistoryEvent | undefined) => e!.t;

describe('debrief (a recorded game)', () => {
  it('a game left collapsed: DNS mitigated by alice, the herd never broken, the wrong cause marked wrong', () => {
    const d = debrief(recorded);
    expect(d.outcome).toBe('collapsed');
    expect(d.outcomeText).toMatch(/^Ended collapsed \(time limit 45 s reached\): DNS was restored, but DWFM's leases never came back/);
    expect(d.missing).toEqual(['name the right cause (only wrong ones were named)', "break DWFM's herd: throttle DWFM and restart its hosts"]);
    expect(d.stages.map((s) => `${s.stage}:${s.status}`)).toEqual(['detect:done', 'identify:missing', 'mitigate-dns:done', 'break-herd:missing', 'recover:missing']);
    expect(d.stages.find((s) => s.stage === 'mitigate-dns')).toMatchObject({ by: 'alice' });
    expect(d.stages.find((s) => s.stage === 'break-herd')!.detail).toMatch(/^DWFM was never throttled or restarted: it stayed collapsed \(\d+\.\d s with goodput under 10 % of capacity\) until the end$/);
    expect(d.causesNamed).toEqual([expect.objectContaining({ by: 'bob', cause: 'dns-servers-failing', right: false })]);
    expect(d.players).toEqual(['facilitator', 'bob', 'alice']);
  });

  it('a throttle that set no limit is named as such when the herd did not break', () => {
    const restore = recorded.find((e) => e.type === 'operator.action' && e.action === 'restore-dns');
    const t = at(restore) + 9000;
    const throttle: HistoryEvent = { ts: restore!.ts + 9000, t, source: 'operator', type: 'operator.action', action: 'throttle-dwfm', ok: true, actor: 'human', scripted: false, by: 'carol', maxPerSec: null, maxConcurrency: null, restart: true, restarted: true };
    const d = debrief([...recorded, throttle]);
    expect(d.outcome).toBe('collapsed');
    const herd = d.stages.find((s) => s.stage === 'break-herd')!;
    expect(herd.status).toBe('missing');
    expect(herd.detail).toMatch(/^leases never all came back after throttle-dwfm at \d+\.\d s \(set no limit at all \(maxPerSec and maxConcurrency both null\), DWFM restarted\)$/);
    expect(d.timeline.find((l) => l.by === 'carol')!.what).toBe('runbook throttle-dwfm (set no limit at all (maxPerSec and maxConcurrency both null), DWFM restarted)');
  });

  it('a game whose trigger gave up says "no trigger" plainly and how to recover next time', () => {
    const injected = recorded.find((e) => e.type === 'fault.injected')!;
    const before = recorded.filter((e) => e.t < injected.t + 500 && !e.type.startsWith('route53.record') && e.type !== 'operator.action' && e.type !== 'game.cause-named');
    const gaveUp: HistoryEvent = { ts: injected.ts + 60_000, t: injected.t + 60_000, source: 'nemesis', type: 'fault.trigger.gave-up', name: 'enactor1-slow', enactor: 'enactor1', afterMs: 60_000, holds: 0, missed: 0, reason: "no one-time check of enactor1's passed" };
    const stop: HistoryEvent = { ts: injected.ts + 61_000, t: injected.t + 61_000, source: 'runner', type: 'run.stop', reason: 'time limit 45 s reached' };
    const d = debrief([...before, gaveUp, stop]);
    expect(d.outcome).toBe('no-trigger');
    expect(d.outcomeText).toBe(
      "No trigger: the outage never started — the DNS race did not empty the record, so there was nothing to respond to (time limit 45 s reached). The closed-loop trigger gave up after 60.0 s: no one-time check of enactor1's passed. Next time the facilitator can re-arm it (\"Re-arm the trigger\", or `outage-lab act rearm-trigger`) instead of ending the session.",
    );
    expect(d.timeline.some((l) => l.what.startsWith('NO TRIGGER: the closed-loop trigger enactor1-slow gave up'))).toBe(true);
  });
});
