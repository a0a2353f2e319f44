/**
 * The debrief of a played game, from its history and analysis alone: how long the team took to
 * detect (first fault → declared), to identify (→ the right cause named), to mitigate DNS (→ the
 * record restored), to break the herd (→ the rescue after which every lease came back, or "not
 * needed") and to recover (→ every SLO holds), each beside AWS's figure for the same stage, on
 * the run's scale and on the incident's; which steps were missing; a timeline of what people did
 * against what the system did; and what the best automated strategy measured in the game day
 * would have done with DNS restored when the team restored it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComparisonSchema } from '../chaos/campaigns/gameday/comparison.ts';
import { byHuman, is, type HistoryEvent, type HistoryEventOf } from '../core/events.ts';
import { isDwfmRescue } from '../chaos/analysis/recovery.ts';
import type { RunSummary } from '../chaos/run/journal.ts';
import { INCIDENT } from '../chaos/story/incident.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { CAUSES, causeChoice } from './causes.ts';

export type StageName = 'detect' | 'identify' | 'mitigate-dns' | 'break-herd' | 'recover';

export interface DebriefStage {
  readonly stage: StageName;
  readonly title: string;
  /** done: it happened; not-needed: the system did it by itself; missing: it never happened. */
  readonly status: 'done' | 'not-needed' | 'missing';
  /** Run ms (history t) at which the stage ended. */
  readonly atMs: number | null;
  /** First fault → the stage's end, ms of the run. */
  readonly tookMs: number | null;
  /** The same at the incident's scale, in minutes. */
  readonly incidentMin: number | null;
  /** AWS's time for this stage, minutes after the empty record (11:48 PM PDT). */
  readonly awsMin: number;
  readonly awsWhat: string;
  readonly by: string | null;
  readonly detail: string;
}

export interface TimelineEntry {
  readonly atMs: number;
  /** Epoch ms. */
  readonly ts: number;
  readonly who: 'human' | 'system' | 'fault';
  readonly by?: string;
  readonly what: string;
}

export interface BestReference {
  /** Where the figures come from (a measured game day's comparison.json). */
  readonly source: string;
  readonly arm: string;
  readonly description: string;
  readonly reestablishMs: number;
  readonly ratioToBound: number;
  readonly ttrMs: number;
}

export type GameOutcome = 'not-started' | 'no-trigger' | 'unmitigated' | 'collapsed' | 'recovering' | 'recovered';

export interface Debrief {
  readonly version: 1;
  readonly scenario: string;
  readonly blind: boolean;
  readonly outcome: GameOutcome;
  /** One sentence on how the game ended. */
  readonly outcomeText: string;
  readonly endedBecause: string | null;
  readonly players: readonly string[];
  /** Epoch ms of the facilitator's start and of the first fault. */
  readonly startedTs: number | null;
  readonly firstFaultAtMs: number | null;
  /** Incident minutes one run second stands for, and why. */
  readonly minutesPerRunSecond: number;
  readonly scaleNote: string;
  readonly stages: readonly DebriefStage[];
  /** The steps the team did not take that the outage needed. */
  readonly missing: readonly string[];
  readonly causesNamed: readonly { readonly atMs: number; readonly by: string; readonly cause: string; readonly label: string; readonly right: boolean }[];
  readonly timeline: readonly TimelineEntry[];
  readonly best: (BestReference & { readonly text: string }) | null;
  readonly notes: readonly { readonly atMs: number; readonly ts: number; readonly by: string; readonly text: string }[];
}

export interface DebriefOptions {
  readonly scenario: string;
  readonly blind: boolean;
  readonly minutesPerRunSecond: number;
  readonly scaleNote: string;
  readonly best: BestReference | null;
}

/**
 * The scale of a scenario: its scripted DNS repair (restore-dns so many ms after the canary's
 * alert) stands for AWS's 157 minutes. A game strips that action; its scale is the scenario's, not
 * the players' (else restoring DNS would always "take 157 min").
 */
export function scenarioScale(operator: readonly { action: string; when: unknown }[], fallbackMinutesPerRunSecond: number | null): { minutesPerRunSecond: number; scaleNote: string } {
  const restore = operator.find((a) => a.action === 'restore-dns');
  const when = restore?.when as { afterEvent?: string; delayMs?: number } | undefined;
  if (when?.afterEvent === 'canary.alert' && when.delayMs) {
    const m = INCIDENT.dnsRestoredMin / (when.delayMs / 1000);
    return { minutesPerRunSecond: Math.round(m * 100) / 100, scaleNote: `the scenario's scripted DNS repair, ${when.delayMs / 1000} s after the empty record's alert, stands for AWS's ${INCIDENT.dnsRestoredMin} min: one run second ≈ ${Math.round(m * 10) / 10} incident minutes` };
  }
  const m = fallbackMinutesPerRunSecond ?? 1;
  return { minutesPerRunSecond: m, scaleNote: `the trigger's length here stands for AWS's ${INCIDENT.dnsRestoredMin} min: one run second ≈ ${m} incident minutes` };
}

/** The best arm of the measured game day (docs/measured/gameday-<quick|full>/comparison.json), if it is there. */
export function measuredBest(quick: boolean, root = PROJECT_ROOT): BestReference | null {
  const rel = join('docs', 'measured', quick ? 'gameday-quick' : 'gameday-full', 'comparison.json');
  const file = join(root, rel);
  if (!existsSync(file)) return null;
  const c = ComparisonSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!c.success) return null;
  const best = c.data.arms.find((a) => a.name === 'best');
  if (!best || best.reestablishMs === null || best.ttrMs === null || best.ratioToBound === null) return null;
  return { source: rel, arm: best.name, description: best.description, reestablishMs: best.reestablishMs, ratioToBound: best.ratioToBound, ttrMs: best.ttrMs };
}

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const human = (e: HistoryEvent) => byHuman(e) !== undefined;

/** What a history event says, for the debrief's timeline (undefined: not worth a line). */
function timelineLine(e: HistoryEvent, r: RunSummary): Omit<TimelineEntry, 'atMs' | 'ts'> | undefined {
  switch (e.type) {
    case 'game.started':
      return { who: 'human', by: e.by, what: 'started the game' };
    case 'game.ended':
      return { who: 'human', by: e.by, what: `ended the game${e.reason ? `: ${e.reason}` : ''}` };
    case 'game.emergency-stop':
      return { who: 'human', by: e.by, what: `emergency stop (healed ${e.healed.join(', ') || 'nothing'})` };
    case 'game.trigger-rearmed':
      return { who: 'human', by: e.by, what: `re-armed the trigger (${e.faults.join(', ')})` };
    case 'fault.trigger.gave-up':
      return { who: 'fault', what: `NO TRIGGER: the closed-loop trigger ${e.name} gave up: ${e.reason}` };
    case 'game.declared':
      return { who: 'human', by: e.by, what: `declared the incident (${e.severity})${e.summary ? `: ${e.summary}` : ''}` };
    case 'game.cause-named':
      return { who: 'human', by: e.by, what: `named the cause: ${e.label}` };
    case 'operator.action':
      return e.actor === 'human' ? { who: 'human', by: e.by ?? '', what: `runbook ${e.action}${e.ok ? rescueSettings(e) : ` FAILED: ${e.error}`}` } : { who: 'system', what: `scripted runbook ${e.action}${rescueSettings(e)}` };
    case 'fault.injected':
      return { who: 'fault', what: `fault ${e.name}: ${e.faultType}${e.link ? ` on ${e.link}` : ''}${e.latencyMs ? ` (${e.latencyMs} ms)` : ''}` };
    case 'fault.healed':
      return { who: 'fault', what: `fault ${e.name} healed` };
    case 'route53.record.empty':
      return e.regional === true ? { who: 'system', what: `Route 53 committed an EMPTY regional record (${e.enactor})` } : undefined;
    case 'route53.record.restored':
      return e.regional === true ? { who: 'system', what: 'the regional record has addresses again' } : undefined;
    case 'canary.alert':
      return { who: 'system', what: `the lab's canary alerted: ${e.outcome} answer` };
    case 'dwfm.leases.lapsing':
      return { who: 'system', what: 'DWFM leases lapsing: RunInstances answers "insufficient capacity"' };
    case 'dwfm.leases.all-valid':
      return { who: 'system', what: `every DWFM lease valid again${r.recoveredBy === 'throttle' ? ' (after the rescue)' : ''}` };
    case 'netmgr.backlog.building':
      return { who: 'system', what: 'network backlog building' };
    case 'netmgr.backlog.drained':
      return { who: 'system', what: 'network backlog drained' };
    case 'alert.firing':
      return { who: 'system', what: `alert ${e.alertname} firing` };
    case 'run.stop':
      return { who: 'system', what: `game over: ${endReason(e.reason)}` };
    default:
      return undefined;
  }
}

/** What a rescue set, for a debrief that must say why it did not break the herd. */
function rescueSettings(e: HistoryEventOf<'operator.action'>): string {
  if (e.action !== 'throttle-dwfm') return '';
  const limits = [e.maxConcurrency != null ? `${e.maxConcurrency} batches in flight` : null, e.maxPerSec != null ? `${e.maxPerSec} leases/s` : null].filter(Boolean);
  const set = limits.length ? `set ${limits.join(' and ')}` : 'set no limit at all (maxPerSec and maxConcurrency both null)';
  return ` (${set}${e.restarted ? ', DWFM restarted' : ', no restart'})`;
}

/** Why the run stopped, in words: a scenario's end condition means the system recovered. */
export function endReason(reason: string): string {
  if (/^(time limit|not started|ended by|interrupted|max duration)/.test(reason)) return reason;
  return `the system recovered and stayed healthy (${reason})`;
}

/** What the debrief reads off a game's history and analysis, once. */
interface GameFacts {
  readonly sorted: readonly HistoryEvent[];
  readonly started: HistoryEventOf<'game.started'> | undefined;
  /** The first fault's run ms: every stage is timed from it. */
  readonly t0: number | null;
  readonly declared: HistoryEventOf<'game.declared'> | undefined;
  readonly named: { readonly atMs: number; readonly by: string; readonly cause: string; readonly label: string; readonly right: boolean }[];
  readonly rightLabel: string | null;
  readonly emptyAt: number | null;
  readonly restoredAt: number | null;
  readonly restorer: HistoryEventOf<'operator.action'> | undefined;
  readonly allValidAt: number | null;
  readonly rescues: HistoryEventOf<'operator.action'>[];
  readonly rescue: HistoryEventOf<'operator.action'> | undefined;
  readonly recoveredAt: number | null;
  readonly stop: HistoryEventOf<'run.stop'> | undefined;
  readonly endedBecause: string | null;
}

function gameFacts(events: readonly HistoryEvent[], r: RunSummary): GameFacts {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const restoredAt = r.dns.restoredAtMs;
  const reachable = r.herd.reachableAtMs;
  const allValidAt = r.leases.reestablishMs !== null && reachable !== null ? reachable + r.leases.reestablishMs : null;
  const rescues = sorted.filter(isDwfmRescue).filter((e) => reachable === null || e.t >= reachable - 60_000);
  const stop = sorted.find(is('run.stop'));
  return {
    sorted,
    started: sorted.find(is('game.started')),
    t0: sorted.find(is('fault.injected'))?.t ?? null,
    declared: sorted.find(is('game.declared')),
    named: sorted.filter(is('game.cause-named')).map((e) => ({ atMs: e.t, by: e.by, cause: e.cause, label: causeChoice(e.cause)?.label ?? e.cause, right: causeChoice(e.cause)?.holds(sorted) ?? false })),
    rightLabel: CAUSES.find((c) => c.holds(sorted))?.label ?? null,
    emptyAt: r.dns.emptyAtMs,
    restoredAt,
    restorer: restoredAt === null ? undefined : sorted.filter(is('operator.action')).reverse().find((e) => e.action === 'restore-dns' && e.ok && e.t <= restoredAt + 50),
    allValidAt,
    rescues,
    rescue: allValidAt === null ? undefined : [...rescues].reverse().find((e) => e.t <= allValidAt),
    recoveredAt: r.recovery.ttrMs !== null && reachable !== null ? reachable + r.recovery.ttrMs : null,
    stop,
    endedBecause: stop ? endReason(stop.reason) : null,
  };
}

type StageDraft = Omit<DebriefStage, 'tookMs' | 'incidentMin'>;

function identifyDetail(f: GameFacts): string {
  const right = f.named.find((n) => n.right);
  if (right) {
    const wrong = f.named.filter((n) => n.atMs < right.atMs).length;
    return `${right.by}: "${right.label}"${f.named.length > 1 ? ` (after ${wrong} wrong guess${wrong === 1 ? '' : 'es'})` : ''}`;
  }
  return f.named.length ? `named only wrong causes (${f.named.map((n) => `"${n.label}"`).join(', ')}); the cause was: ${f.rightLabel ?? 'not one of the choices'}` : `nobody named a cause; it was: ${f.rightLabel ?? 'not one of the choices'}`;
}

function breakHerdDetail(f: GameFacts, r: RunSummary): string {
  const { allValidAt, rescue, rescues } = f;
  if (allValidAt !== null) {
    return rescue
      ? `${rescue.action}${rescue.component ? ` ${rescue.component}` : ''} by ${byHuman(rescue) ?? 'the scripted runbook'}; every lease back ${s1(allValidAt - rescue.t)} later`
      : `not needed: every lease came back by itself ${s1(allValidAt - (r.herd.reachableAtMs ?? allValidAt))} after DNS`;
  }
  if (f.restoredAt === null) return 'DNS was never restored, so the herd never began';
  if (rescues.length) return `leases never all came back after ${rescues.map((e) => `${e.action} at ${s1(e.t - (f.t0 ?? 0))}${rescueSettings(e)}`).join(', ')}`;
  return `DWFM was never throttled or restarted: it stayed collapsed (${s1(r.herd.collapseMs)} with goodput under 10 % of capacity) until the end`;
}

/** The five stages, each beside AWS's figure for it. */
function stageDrafts(f: GameFacts, r: RunSummary): StageDraft[] {
  const rightCause = f.named.find((n) => n.right);
  const { declared, restoredAt, restorer, allValidAt, rescue, recoveredAt, emptyAt } = f;
  return [
    {
      stage: 'detect',
      title: 'Detect: first fault → incident declared',
      status: declared ? 'done' : 'missing',
      atMs: declared?.t ?? null,
      awsMin: INCIDENT.detectedMin,
      awsWhat: 'monitoring detected the spike in DynamoDB API errors at 11:48 PM PDT',
      by: declared ? declared.by : null,
      detail: declared ? `declared ${declared.severity} by ${declared.by}` : 'nobody declared the incident',
    },
    {
      stage: 'identify',
      title: 'Identify: → the right cause named',
      status: rightCause ? 'done' : 'missing',
      atMs: rightCause?.atMs ?? null,
      awsMin: INCIDENT.identifiedMin,
      awsWhat: 'engineers confirmed Route 53 had published an empty record (T+~30 min)',
      by: rightCause?.by ?? null,
      detail: identifyDetail(f),
    },
    {
      stage: 'mitigate-dns',
      title: 'Mitigate DNS: → the regional record restored',
      status: restoredAt !== null ? 'done' : 'missing',
      atMs: restoredAt,
      awsMin: INCIDENT.dnsRestoredMin,
      awsWhat: 'DNS restored, DynamoDB recovering (2:25 AM)',
      by: restorer ? (byHuman(restorer) ?? null) : null,
      detail: restoredAt !== null ? `restored${restorer ? ` by ${byHuman(restorer) ?? 'the scripted runbook'}` : ''}; the record had been empty ${s1(restoredAt - (emptyAt ?? restoredAt))}` : emptyAt === null ? 'the record never went empty' : 'the record stayed empty until the end',
    },
    {
      stage: 'break-herd',
      title: 'Break the herd: → the rescue after which every lease came back',
      status: allValidAt === null ? 'missing' : rescue ? 'done' : 'not-needed',
      atMs: allValidAt === null ? null : rescue ? rescue.t : allValidAt,
      awsMin: INCIDENT.leasesRecoveredMin,
      awsWhat: 'DWFM throttled and restarted by hand; EC2 state changes recovering (T+~5 h)',
      by: rescue ? (byHuman(rescue) ?? null) : null,
      detail: breakHerdDetail(f, r),
    },
    {
      stage: 'recover',
      title: 'Recover: → every customer SLO holds',
      status: recoveredAt !== null ? 'done' : 'missing',
      atMs: recoveredAt,
      awsMin: INCIDENT.fullRecoveryMin,
      awsWhat: 'full recovery confirmed (1:50 PM)',
      by: null,
      detail: recoveredAt !== null ? `every SLO ≥ 99 % from then on (${s1(r.recovery.ttrMs!)} after DynamoDB was reachable)` : 'the SLOs did not hold again before the end',
    },
  ];
}

/** How the game ended, in one word and one sentence. */
function gameOutcome(f: GameFacts, r: RunSummary): { outcome: GameOutcome; outcomeText: string } {
  const { sorted, emptyAt, restoredAt, allValidAt, recoveredAt, endedBecause } = f;
  if (!f.started) return { outcome: 'not-started', outcomeText: `The game was never started${endedBecause ? ` (${endedBecause})` : ''}.` };
  if (emptyAt === null && !sorted.some((e) => e.type === 'fault.injected' && e.faultType === 'link-down')) {
    const gaveUp = sorted.filter(is('fault.trigger.gave-up')).at(-1);
    const rearmed = sorted.filter((e) => e.type === 'game.trigger-rearmed').length;
    const outcomeText =
      `No trigger: the outage never started — the DNS race did not empty the record, so there was nothing to respond to (${endedBecause}).` +
      (gaveUp ? ` The closed-loop trigger gave up after ${s1(gaveUp.afterMs)}: ${gaveUp.reason}.` : '') +
      (rearmed ? ` The facilitator re-armed it ${rearmed} time${rearmed === 1 ? '' : 's'}.` : ' Next time the facilitator can re-arm it ("Re-arm the trigger", or `outage-lab act rearm-trigger`) instead of ending the session.');
    return { outcome: 'no-trigger', outcomeText };
  }
  if (restoredAt === null && emptyAt !== null) return { outcome: 'unmitigated', outcomeText: `Ended unmitigated (${endedBecause}): the DNS record stayed empty for ${s1((f.stop?.t ?? emptyAt) - emptyAt)} and nobody restored it.` };
  if (allValidAt === null) return { outcome: 'collapsed', outcomeText: `Ended collapsed (${endedBecause}): DNS was restored, but DWFM's leases never came back — the missing step was breaking the herd (throttle or restart DWFM).` };
  if (recoveredAt === null) return { outcome: 'recovering', outcomeText: `Ended while still recovering (${endedBecause}): every lease was back, but the customer SLOs did not hold yet.` };
  const how = r.recoveredBy === 'throttle' ? ', after the team broke the herd' : r.recoveredBy === 'self' ? ' (the herd broke by itself)' : '';
  return { outcome: 'recovered', outcomeText: `Recovered: every SLO held again ${s1(recoveredAt - (f.t0 ?? 0))} after the first fault${how} (${endedBecause}).` };
}

function missingSteps(f: GameFacts): string[] {
  if (!f.started) return [];
  const missing: string[] = [];
  if (!f.declared) missing.push('declare the incident');
  if (!f.named.some((n) => n.right)) missing.push(f.named.length ? 'name the right cause (only wrong ones were named)' : 'name the cause');
  if (f.emptyAt !== null && f.restoredAt === null) missing.push('restore the DNS records');
  if (f.restoredAt !== null && f.allValidAt === null) missing.push("break DWFM's herd: throttle DWFM and restart its hosts");
  return missing;
}

/** What the best automated strategy would have done with DNS restored when the team restored it. */
function bestInstead(b: BestReference | null, f: GameFacts): Debrief['best'] {
  if (!b) return null;
  const { restoredAt, recoveredAt } = f;
  const t0 = f.t0 ?? 0;
  const text =
    restoredAt === null
      ? `The best automated strategy (${b.description}) cannot help while the record is empty: it needs DNS back first.`
      : `With DWFM on the best configuration (${b.description}) — measured in the game day (${b.source}) to re-establish every lease ${b.ratioToBound} × the capacity bound after DNS came back and to hold every SLO ${s1(b.ttrMs)} after — this game's DNS repair at ${s1(restoredAt - t0)} would have been followed by every lease back at ≈ ${s1(restoredAt + b.reestablishMs - t0)} and recovery at ≈ ${s1(restoredAt + b.ttrMs - t0)} after the first fault, with no rescue; ${recoveredAt !== null ? `the team recovered at ${s1(recoveredAt - t0)}` : 'the team did not recover within the game'}.`;
  return { ...b, text };
}

export function computeDebrief(events: readonly HistoryEvent[], r: RunSummary, o: DebriefOptions): Debrief {
  const f = gameFacts(events, r);
  const took = (t: number | null) => (t === null || f.t0 === null ? null : Math.max(0, Math.round(t - f.t0)));
  const incidentMin = (ms: number | null) => (ms === null ? null : Math.round((ms / 1000) * o.minutesPerRunSecond));
  const stages = stageDrafts(f, r).map((s): DebriefStage => ({ ...s, tookMs: took(s.atMs), incidentMin: incidentMin(took(s.atMs)) }));
  const timeline: TimelineEntry[] = [];
  for (const e of f.sorted) {
    const line = timelineLine(e, r);
    if (line) timeline.push({ atMs: Math.round(e.t), ts: Math.round(e.ts), ...line });
  }
  return {
    version: 1,
    scenario: o.scenario,
    blind: o.blind,
    ...gameOutcome(f, r),
    endedBecause: f.endedBecause,
    players: [...new Set(f.sorted.flatMap((e) => byHuman(e) ?? []))],
    startedTs: f.started ? Math.round(f.started.ts) : null,
    firstFaultAtMs: f.t0 === null ? null : Math.round(f.t0),
    minutesPerRunSecond: o.minutesPerRunSecond,
    scaleNote: o.scaleNote,
    stages,
    missing: missingSteps(f),
    causesNamed: f.named.map((n) => ({ ...n, atMs: Math.round(n.atMs) })),
    timeline,
    best: bestInstead(o.best, f),
    notes: f.sorted.filter(is('game.note')).map((e) => ({ atMs: Math.round(e.t), ts: Math.round(e.ts), by: e.by, text: e.text })),
  };
}
