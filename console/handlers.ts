/**
 * What the console makes of each kind of history event: one handler per type of the catalogue
 * (core/events.ts), `null` where the console shows nothing. The table is typed over every event
 * type, so a new event type without an entry here fails the type-check: deciding what the
 * console shows of it (and what blind mode hides) is part of adding it.
 */
import type { EventType, HistoryEventOf } from '../core/events.ts';
import { endReason } from '../game/debrief.ts';
import type { FeedKind } from './messages.ts';

/** What a handler can do: add chart points, feed lines, marks, windows, state and pages. */
export interface ViewContext {
  readonly blind: boolean;
  feed(kind: FeedKind, text: string, by?: string): void;
  pt(chart: string, series: string, y: number): void;
  mark(kind: 'human' | 'scripted' | 'milestone', label: string): void;
  window(id: string, label: string, open: boolean): void;
  state(phase: string, reason?: string): void;
  page(alertname: string, firing: boolean, summary: string): void;
  /** One canary answer, counted into the current second's points. */
  canary(outcome: string): void;
  /** DynamoDB clients' errors of one second, by kind. */
  clientErrors(errors: Readonly<Record<string, number>>): void;
}

type Handler<T extends EventType> = ((e: HistoryEventOf<T>, v: ViewContext) => void) | null;

const loadPoint = (chart: 'errors' | 'launches', series: string, errorShare: boolean) => (e: HistoryEventOf<'load.second' | 'launch.second' | 'nlb.second' | 'service.second'>, v: ViewContext) => {
  if (e.sent > 0) v.pt(chart, series, (errorShare ? 1 - e.ok / e.sent : e.ok / e.sent) * 100);
};

function resultText(e: HistoryEventOf<'operator.action'>): string {
  switch (e.action) {
    case 'restore-dns':
      return `restored ${e.restored} records to ${e.addresses?.join(', ')}; automation ${e.automationDisabled ? 'disabled' : 'on'}`;
    case 'throttle-dwfm':
      return `throttled${e.maxConcurrency ? ` to ${e.maxConcurrency} batches in flight` : ''}${e.maxPerSec ? ` to ${e.maxPerSec} leases/s` : ''}${e.restarted ? ', DWFM restarted' : ''}`;
    case 'restart':
      return `${e.component} restarted in ${e.restartMs} ms`;
    case 'disable-dns-automation':
      return 'DNS automation disabled';
    case 'nlb-health-checks':
      return `automatic failover ${e.automaticFailover ? 'on' : 'off'}, ${e.readded} targets back in service`;
    default:
      return 'done';
  }
}

export const HANDLERS: { readonly [T in EventType]: Handler<T> } = {
  // The run and the game's phase.
  'run.start': null,
  'run.phase': (e, v) => v.state(e.phase === 'faults' ? 'running' : e.phase === 'warmup' ? 'warming-up' : e.phase),
  'run.stop': (e, v) => {
    v.state('ended', endReason(e.reason));
    v.feed('game', `game over: ${endReason(e.reason)}`);
  },
  'run.end': null,
  'run.error': null,
  'steady-state.verified': (_e, v) => {
    v.state('ready');
    v.feed('game', 'steady state verified: the lab is ready');
  },
  'steady-state.failed': (e, v) => {
    v.state('aborted', e.detail);
    v.feed('game', `steady state did not hold: ${e.detail}`);
  },
  // The detail names the lab's own faults phase and lease lapses: not for a blind game.
  'steady-state.not-yet': (e, v) => v.feed('game', v.blind ? 'the lab is still settling' : `the lab is still settling (window ${e.window}: ${e.detail})`),
  'monitoring.rules': null,
  'monitoring.scraping': null,
  'monitoring.quiet': null,

  // Faults: the lab's knowledge, hidden when blind — except a lost trigger, which the facilitator must know.
  'fault.injected': (e, v) => {
    if (v.blind) return;
    v.feed('fault', `fault ${e.name} injected: ${e.faultType}${e.link ? ` on ${e.link}` : ''}${e.latencyMs ? ` (${e.latencyMs} ms)` : ''}`);
    v.window(e.name, `fault ${e.name}`, true);
  },
  'fault.healed': (e, v) => {
    if (v.blind) return;
    v.feed('fault', `fault ${e.name} healed`);
    v.window(e.name, `fault ${e.name}`, false);
  },
  'fault.failed': null,
  'fault.heal-failed': null,
  'fault.trigger.hold': null,
  'fault.trigger.release': null,
  'fault.trigger.done': (e, v) => {
    if (!v.blind) v.feed('fault', `trigger: ${e.enactor}'s stale apply let through once its plan was deleted (${e.holds} hold${e.holds === 1 ? '' : 's'})`);
  },
  'fault.trigger.gave-up': (e, v) => {
    const after = `${Math.round(e.afterMs / 1000)} s`;
    v.feed('game', v.blind ? `NO TRIGGER: the outage did not start within ${after}. Facilitator: re-arm the trigger, or end the game.` : `NO TRIGGER: the closed-loop trigger gave up after ${after} (${e.reason}). Facilitator: re-arm the trigger, or end the game.`);
  },
  'fault.trigger.error': null,

  // The runbook, scripted or by a person.
  'operator.action': (e, v) => {
    const who = e.actor === 'human' ? (e.by ?? '') : 'scripted runbook';
    v.feed(e.actor === 'human' ? 'human' : 'system', `${who}: ${e.action} — ${e.ok ? resultText(e) : `FAILED: ${e.error}`}`, e.actor === 'human' ? e.by : undefined);
    v.mark(e.actor === 'human' ? 'human' : 'scripted', `${e.action} (${who})`);
  },
  'operator.skipped': null,

  // Observers: the charts.
  canary: (e, v) => v.canary(e.outcome),
  'canary.alert': (e, v) => {
    if (!v.blind) v.feed('alert', `lab canary (lesson 03) ALERT: ${e.outcome} answer for ${e.name}`);
  },
  'canary.recovered': (_e, v) => {
    if (!v.blind) v.feed('alert', 'lab canary recovered: answers have addresses again');
  },
  'load.second': (e, v) => {
    loadPoint('errors', 'DynamoDB customers', true)(e, v);
    v.clientErrors(e.errors);
  },
  'launch.second': loadPoint('launches', 'launches', false),
  'nlb.second': loadPoint('errors', 'service behind the NLB', true),
  'k6.summary': null,
  // Users' services: their errors are what a responder sees first; their seconds go to the report.
  'service.started': (e, v) => v.feed('system', `${e.service} (${e.language}, ${e.sdk} ${e.sdkVersion}) joined the lab`),
  'service.steady': (e, v) => v.feed('system', `${e.service} meets its SLO (after ${(e.afterMs / 1000).toFixed(1)} s of its workload)`),
  'service.second': loadPoint('errors', 'your services', true),
  'service.error': (e, v) => v.feed('alert', `${e.service}: ${e.request} failed${e.status === null ? '' : ` (${e.status})`}: ${e.error.slice(0, 200)}`),
  'service.exited': (e, v) => v.feed('alert', `${e.service} EXITED: ${e.log}`),
  'service.stopped': null,
  metrics: (e, v) => {
    const m = e.services;
    if (m.dwfm?.dwfm_leases_valid !== undefined) v.pt('leases', 'valid', m.dwfm.dwfm_leases_valid);
    if (m.netmgr?.netmgr_backlog !== undefined) v.pt('backlog', 'backlog', m.netmgr.netmgr_backlog);
    if (m.nlb?.nlb_targets_in_service !== undefined) v.pt('nlb', 'in service', m.nlb.nlb_targets_in_service);
  },
  'writes.checked': null,
  'alert.firing': (e, v) => page(e, v, true),
  'alert.resolved': (e, v) => page(e, v, false),

  // Route 53 and the Enactors.
  'route53.record.empty': (e, v) => {
    if (v.blind || !e.regional) return;
    v.feed('system', `Route 53 committed an EMPTY regional record (${e.enactor}, plan ${e.generation ?? e.deletedPlan})`);
    v.mark('milestone', 'dns.empty');
  },
  'route53.record.restored': (e, v) => {
    if (!v.blind && e.regional) v.feed('system', 'the regional record has addresses again');
  },
  'route53.check.passed': null,
  'route53.apply.rejected-stale': null,
  'route53.plan.deleted': null,
  'route53.plan.delete-refused': null,
  'route53.operator.restore-dns': null,
  'route53.automation': (e, v) => v.feed('system', `DNS automation ${e.enabled ? 'enabled' : 'disabled'}`),
  'enactor.round.start': null,
  'enactor.apply.failed': null,
  'enactor.apply.rejected-stale': null,
  'enactor.applied': null,
  'enactor.cleanup.deleted': null,
  'enactor.cleanup.refused': null,
  'enactor.round.done': null,

  // DWFM, the Network Manager, the NLB: what a dashboard shows (blind too, but the lapses' cause).
  'dwfm.leases.lapsing': (_e, v) => {
    if (!v.blind) v.feed('system', 'DWFM leases lapsing: RunInstances answers "insufficient capacity"');
  },
  'dwfm.leases.all-valid': (_e, v) => v.feed('system', 'DWFM: every lease valid again'),
  'dwfm.reseeded': (e, v) => {
    if (!v.blind) v.feed('system', `lab set-up: DWFM's fleet re-seeded (${e.lapsed} leases had lapsed while the lab started)`);
  },
  'dwfm.restarted': (_e, v) => v.feed('system', 'DWFM restarted'),
  'dwfm.throttle': (e, v) => v.feed('system', `DWFM throttled: ${e.maxConcurrency ? `${e.maxConcurrency} batches in flight` : ''}${e.maxPerSec ? ` ${e.maxPerSec} leases/s` : ''}`),
  'netmgr.backlog.building': (_e, v) => v.feed('system', 'network backlog building'),
  'netmgr.backlog.drained': (_e, v) => v.feed('system', 'network backlog drained'),
  'nlb.target.removed': (e, v) => v.feed('system', `NLB removed target ${e.target} (${e.inService} in service)`),
  'nlb.target.readded': null,
  'nlb.fail-open.on': null,
  'nlb.fail-open.off': null,
  'nlb.health-checks': (e, v) => v.feed('system', `NLB health checks: automatic failover ${e.automaticFailover ? 'on' : 'off'}${e.readded ? `, ${e.readded} targets back in service` : ''}`),

  // People in a played game.
  'game.started': (e, v) => {
    v.feed('game', `${e.by} started the game`, e.by);
    v.mark('human', `start (${e.by})`);
  },
  'game.ended': (e, v) => v.feed('game', `${e.by} ended the game${e.reason ? `: ${e.reason}` : ''}`, e.by),
  'game.emergency-stop': (e, v) => {
    v.feed('human', `${e.by}: EMERGENCY STOP${v.blind ? '' : ` (healed ${e.healed.join(', ') || 'nothing'})`}`, e.by);
    v.mark('human', `emergency stop (${e.by})`);
  },
  'game.trigger-rearmed': (e, v) => {
    v.feed('game', `${e.by} re-armed the trigger`, e.by);
    v.mark('human', `trigger re-armed (${e.by})`);
  },
  'game.declared': (e, v) => {
    v.feed('human', `${e.by} declared the incident (${e.severity})${e.summary ? `: ${e.summary}` : ''}`, e.by);
    v.mark('human', `declared (${e.by})`);
  },
  'game.cause-named': (e, v) => {
    v.feed('human', `${e.by} named the cause: ${e.label}`, e.by);
    v.mark('human', `cause named (${e.by})`);
  },
  'game.note': (e, v) => v.feed('note', e.text, e.by),
};

function page(e: HistoryEventOf<'alert.firing' | 'alert.resolved'>, v: ViewContext, firing: boolean): void {
  // Blind: the pager of the day had no lesson-03 rule.
  if (v.blind && e.monitoring === 'lesson-03') return;
  v.feed('alert', `${firing ? 'PAGE' : 'resolved'}: ${e.alertname}${e.summary ? ` — ${e.summary}` : ''}`);
  v.page(e.alertname, firing, e.summary ?? '');
}

/** Runs the event's handler (the one place the table is indexed by a run-time type). */
export function handle<T extends EventType>(e: HistoryEventOf<T>, v: ViewContext): void {
  const h = HANDLERS[e.type] as Handler<T>;
  h?.(e, v);
}
