/**
 * The event catalogue: every kind of event a run's history (`timeline.ndjson`) can hold, with its
 * fields — one schema per type, as Jepsen's history has one `Op` shape. Services publish events
 * (through Redis), the harness records them, and everything that reads a history reads them
 * through these types: `e.type === 'fault.injected'` narrows `e` to that event's fields, so no
 * field is read through a cast. Histories read back from disk are validated against the same
 * schemas (`parseEvent`).
 *
 * The schemas are loose objects: a field not listed here is kept (as `unknown`), so a history
 * written by a newer version still reads; a listed field with the wrong type is an error naming
 * the event and the field. Fields added after the first histories were measured are optional.
 */
import { z } from 'zod';
import { DNS_OUTCOMES } from './dns-outcome.ts';

const num = z.number();
const str = z.string();
const bool = z.boolean();
const maybeNum = num.nullable();
const ev = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);


/** A second of one load generator's results (customers, RunInstances, NLB traffic). */
const loadSecond = ev({
  second: num.optional(),
  sent: num,
  ok: num,
  errors: z.record(str, num).default({}),
  droppedByGenerator: num.optional(),
  p50Ms: maybeNum.optional(),
  p99Ms: maybeNum.optional(),
  maxMs: maybeNum.optional(),
});

/** Who did a person's act in a played game. */
const human = { actor: z.literal('human'), by: str };

/** A record that became empty or got its addresses back (Route 53's commit time). */
const recordChange = ev({
  endpoint: str,
  regional: bool,
  generation: maybeNum.optional(),
  manual: bool.optional(),
  /** apply: an Enactor's apply named a deleted plan; plan-deleted: cleanup deleted the plan the record named; operator-restore: the runbook. */
  cause: z.enum(['apply', 'plan-deleted', 'operator-restore']).optional(),
  enactor: str.optional(),
  previous: maybeNum.optional(),
  deletedPlan: num.optional(),
  by: str.optional(),
});

const alert = ev({
  alertname: str,
  stage: num.optional(),
  /** outage: fires while the record is empty; recovery: once DynamoDB is back. */
  phase: str.optional(),
  /** typical: what most monitoring had; lesson-03: the non-empty assertion. */
  monitoring: str.optional(),
  summary: str.optional(),
  since: str.optional(),
  startsAtMs: num.optional(),
  endsAtMs: num.optional(),
});

export const EVENTS = {
  // ── the run (source: runner) ─────────────────────────────────────────────────────────────
  'run.start': ev({ scenario: str, seed: num, model: z.unknown().optional(), runtime: str.optional(), labStartupMs: num.optional(), monitoring: bool.optional(), recordTtlMs: num.optional() }),
  'run.phase': ev({ phase: z.enum(['warmup', 'steady-state', 'faults']) }),
  'run.stop': ev({ reason: str }),
  'run.end': ev({ status: str }),
  'run.error': ev({ error: str }),
  'steady-state.verified': ev({ detail: str }),
  'steady-state.failed': ev({ detail: str }),
  /** A steady-state window that did not hold while settleWithinMs lasts: the next one is watched (chaos/run/phases/steady-state.ts). */
  'steady-state.not-yet': ev({ detail: str, window: num }),
  'monitoring.rules': ev({ rules: z.array(z.object({ alertname: str, stage: num.optional(), phase: str.optional(), monitoring: str.optional(), since: str.optional(), summary: str.optional() })) }),
  'monitoring.scraping': ev({ waitedMs: num }),
  'monitoring.quiet': ev({ quiet: bool, firing: num }),

  // ── the nemesis: faults and the closed-loop trigger (source: nemesis) ─────────────────────
  /** A fault's whole description (its schema's fields) with its type and the components it hits. */
  'fault.injected': ev({
    name: str,
    faultType: str,
    affects: z.array(str).default([]),
    atMs: num.optional(),
    durationMs: maybeNum.optional(),
    link: str.optional(),
    links: z.array(str).optional(),
    target: str.optional(),
    latencyMs: num.optional(),
  }),
  'fault.healed': ev({ name: str }),
  'fault.failed': ev({ name: str, error: str }),
  'fault.heal-failed': ev({ name: str, error: str }),
  /** The trigger put a hold on the Enactor's requests this long after Route 53 answered its passing check. */
  'fault.trigger.hold': ev({ name: str, enactor: str, plan: num, afterCheckMs: num }),
  'fault.trigger.release': ev({ name: str, enactor: str, plan: num, reason: z.enum(['plan-deleted', 'hold-expired', 'missed', 'gave-up', 'done']), heldMs: num }),
  'fault.trigger.done': ev({ name: str, enactor: str, afterMs: num, holds: num, missed: num, by: str.nullable(), cause: str.nullable() }),
  'fault.trigger.gave-up': ev({ name: str, enactor: str, afterMs: num, holds: num, missed: num, reason: str }),
  'fault.trigger.error': ev({ name: str, error: str }),

  // ── the runbook (source: operator) ───────────────────────────────────────────────────────
  /** An action's settings and what it returned are spread in (restored, addresses, maxConcurrency, restarted, …). */
  'operator.action': ev({
    action: str,
    ok: bool,
    actor: z.enum(['scripted', 'human']).optional(),
    scripted: bool.optional(),
    by: str.optional(),
    error: str.optional(),
    restored: num.optional(),
    addresses: z.array(str).optional(),
    automationDisabled: bool.optional(),
    maxPerSec: maybeNum.optional(),
    maxConcurrency: maybeNum.optional(),
    restart: bool.optional(),
    restarted: bool.optional(),
    restartMs: num.optional(),
    component: str.optional(),
    automaticFailover: bool.optional(),
    readded: num.optional(),
  }),
  'operator.skipped': ev({ action: str, because: str, scripted: bool.optional() }),

  // ── observers (sources: canary, load, scraper, checker, alertmanager) ────────────────────
  /** One answer of the DNS canary (ok, empty, nxdomain, servfail, timeout, refused). */
  canary: ev({ outcome: z.enum(DNS_OUTCOMES), addresses: num, ms: num.optional() }),
  'canary.alert': ev({ outcome: z.enum(DNS_OUTCOMES), name: str }),
  'canary.recovered': ev({ name: str }),
  'load.second': loadSecond,
  'launch.second': loadSecond,
  'nlb.second': loadSecond,
  'k6.summary': ev({}),
  /** Every service's /metrics, sampled at once: service → metric (with labels) → value. */
  metrics: ev({ round: num, services: z.record(str, z.record(str, num)), unavailable: z.record(str, str).optional() }),
  'writes.checked': ev({ acknowledged: num, lost: num, lostKeys: z.array(str).default([]) }),
  'alert.firing': alert,
  'alert.resolved': alert,

  // ── Route 53 ─────────────────────────────────────────────────────────────────────────────
  'route53.record.empty': recordChange,
  'route53.record.restored': recordChange,
  /** An Enactor's one-time check that passes: it will apply `plan` once this answer reaches it. */
  'route53.check.passed': ev({ endpoint: str, enactor: str, plan: num, active: maybeNum }),
  'route53.apply.rejected-stale': ev({ endpoint: str, generation: num, active: maybeNum.optional(), enactor: str }),
  'route53.plan.deleted': ev({ generation: num, enactor: str, activeOn: num.optional() }),
  'route53.plan.delete-refused': ev({ generation: num, enactor: str, reason: str }),
  'route53.operator.restore-dns': ev({ addresses: z.array(str), automationDisabled: bool, by: str }),
  'route53.automation': ev({ enabled: bool, by: str.optional() }),

  // ── the Enactors (services/enactor/steps.ts; the skips are only counted) ─────────────────
  'enactor.round.start': ev({ plan: num }),
  'enactor.apply.failed': ev({ plan: num, reason: str, active: maybeNum }),
  'enactor.apply.rejected-stale': ev({ plan: num, endpoint: str }),
  'enactor.applied': ev({ plan: num, endpoints: num }),
  'enactor.cleanup.deleted': ev({ plan: num, deleted: num }),
  'enactor.cleanup.refused': ev({ plan: num, deleted: num, reason: z.enum(['active', 'leased']) }),
  'enactor.round.done': ev({ plan: num }),

  // ── DWFM, the Network Manager, the NLB ───────────────────────────────────────────────────
  'dwfm.leases.lapsing': ev({ lapsed: num }),
  'dwfm.leases.all-valid': ev({ needed: num, attempts: num.optional(), itemsSent: num.optional(), episodeMs: num.optional(), strategy: str.optional() }),
  /** The lab's set-up before any fault (chaos/run/lab-settled.ts): every lease valid again (`lapsed` were not), `dropped` abandoned writes gone from the table's queue. */
  'dwfm.reseeded': ev({ lapsed: num, droplets: num, dropped: num.optional() }),
  'dwfm.restarted': ev({ valid: num, droplets: num, throttle: z.object({ maxPerSec: maybeNum, maxConcurrency: maybeNum }).nullable().optional() }),
  'dwfm.throttle': ev({ maxPerSec: maybeNum, maxConcurrency: maybeNum, by: str.optional(), resetConnections: bool.optional() }),
  'netmgr.backlog.building': ev({ backlog: num }),
  'netmgr.backlog.drained': ev({}),
  'nlb.target.removed': ev({ target: num, inService: num }),
  'nlb.target.readded': ev({ target: num, inService: num, by: str.optional() }),
  'nlb.fail-open.on': ev({}),
  'nlb.fail-open.off': ev({}),
  'nlb.health-checks': ev({ automaticFailover: bool, velocity: z.unknown().optional(), readded: num, by: str.optional() }),

  // ── users' services (source: service; user-services/) ────────────────────────────────────
  /** A user's service is up: what it is, where, and the retry settings its environment gives its SDK. */
  'service.started': ev({
    service: str,
    language: str,
    sdk: str,
    sdkVersion: str,
    address: str,
    retry: z.record(str, str),
    readyMs: num,
    /** Its file's SLO, so the history alone judges it. */
    slo: z.object({ successRatio: num, latencyMs: num, windowMs: num, recoverWithinMs: num }),
    /**
     * Its tables and each one's capacity C in the lab's model (units/s), for its load ρ; and the
     * most units a second its throughput limit admits once no burst is saved (provisioned RCU + WCU,
     * an on-demand maximum's reads + writes; absent: unlimited).
     */
    tables: z.array(z.object({ name: str, capacityPerSec: num, limitPerSec: num.optional() })).optional(),
    /** Attempts its callers make per request (1: they do not retry). */
    callerAttempts: num.optional(),
    /** The retry policy in force (user-services/sdk-retry/); null: an SDK the lab has not read. */
    retryPolicy: z.object({ mode: str, maxAttempts: num, quota: z.object({ tokens: num, transientCost: num }).nullable(), source: str }).nullable().optional(),
  }),
  /** A service's workload met its SLO over one window: the run's faults come after this (warm-up before it is not judged). */
  'service.steady': ev({ service: str, afterMs: num }),
  /** A second of a service's workload: `good` is 2xx within its SLO's latency bound (callers' retries included). */
  'service.second': loadSecond.extend({ service: str, good: num }),
  /** A failed answer of a service's workload (the first of each kind in each second); `error` quotes its body (what its SDK raised, if it says). */
  'service.error': ev({ service: str, request: str, status: maybeNum, error: str }),
  /** A service died while the run went on; `log` is the tail of its log. */
  'service.exited': ev({ service: str, log: str }),
  'service.stopped': ev({ service: str }),

  // ── people in a played game (source: game; every one marked actor: human, by) ────────────
  'game.started': ev({ ...human }),
  'game.ended': ev({ ...human, reason: str.optional() }),
  'game.emergency-stop': ev({ ...human, healed: z.array(str) }),
  'game.trigger-rearmed': ev({ ...human, faults: z.array(str) }),
  'game.declared': ev({ ...human, severity: str, summary: str.optional() }),
  'game.cause-named': ev({ ...human, cause: str, label: str }),
  'game.note': ev({ ...human, text: str }),
} as const;

export { nowMs } from './clock.ts';

export type EventType = keyof typeof EVENTS;
const EVENT_TYPES_LIST = Object.keys(EVENTS) as EventType[];
export const EVENT_TYPES: readonly EventType[] = EVENT_TYPES_LIST;

/** A schema's listed fields, without the loose object's index signature (so a field not listed is a type error to read). */
type Listed<O> = { [K in keyof O as string extends K ? never : number extends K ? never : K]: O[K] };

/** An event's own fields (what its publisher passes, and what a reader gets). */
export type EventFields<T extends EventType> = Listed<z.output<(typeof EVENTS)[T]>>;
type Read<T extends EventType> = EventFields<T>;

interface Envelope<T extends EventType> {
  /** Epoch milliseconds (fractional), taken where the event happened. */
  readonly ts: number;
  /** Who emitted it: a service name, runner, canary, load, scraper, nemesis, operator, game, … */
  readonly source: string;
  readonly type: T;
}

/** An event as published (services, the harness), before the history stamps its run time. */
export type LabEventOf<T extends EventType> = Envelope<T> & Read<T>;
export type LabEvent = { [T in EventType]: LabEventOf<T> }[EventType];

/** An event in a run's history: `t` is milliseconds since the run started. */
export type HistoryEventOf<T extends EventType> = LabEventOf<T> & { readonly t: number };
export type HistoryEvent = { [T in EventType]: HistoryEventOf<T> }[EventType];

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENTS, type);

/** The three load generators' per-second events. */
export const LOAD_SECOND_TYPES = ['load.second', 'launch.second', 'nlb.second'] as const satisfies readonly EventType[];
export type LoadSecondType = (typeof LOAD_SECOND_TYPES)[number];

/** The events people's acts record in a played game (each marked actor: human, by). */
export const GAME_EVENT_TYPES = EVENT_TYPES_LIST.filter((t): t is Extract<EventType, `game.${string}`> => t.startsWith('game.'));

/** A type guard for events of the given types: `events.filter(is('fault.injected'))` is typed. */
export function is<T extends EventType>(...types: T[]) {
  return <E extends { readonly type: string }>(e: E): e is Extract<E, { type: T }> => (types as readonly string[]).includes(e.type);
}

/** Who did it, when a person did it (a played game's acts and runbook actions marked human); else undefined. */
export function byHuman(e: LabEvent): string | undefined {
  if (e.type === 'operator.action') return e.actor === 'human' ? (e.by ?? '') : undefined;
  return e.type.startsWith('game.') && 'by' in e && typeof e.by === 'string' ? e.by : undefined;
}

/** A field named at run time (a scenario's `match: {regional: true}`), unknown until the caller checks it. */
export function fieldOf(e: LabEvent, name: string): unknown {
  return Reflect.get(e, name);
}

/** The events of one type, typed. */
export function ofType<T extends EventType, E extends { type: string }>(events: readonly E[], type: T): Extract<E, { type: T }>[] {
  return events.filter((e): e is Extract<E, { type: T }> => e.type === type);
}

export class EventParseError extends Error {}

/** Validates one event read back (from Redis or a timeline); an unknown type gives undefined. */
export function parseEvent<E extends LabEvent | HistoryEvent>(raw: unknown): E | undefined {
  if (raw === null || typeof raw !== 'object') throw new EventParseError('an event must be a JSON object');
  const { type, ts, source } = raw as Record<string, unknown>;
  if (typeof type !== 'string' || !isEventType(type)) return undefined;
  if (typeof ts !== 'number' || typeof source !== 'string') throw new EventParseError(`${String(type)}: every event needs a numeric ts and a source`);
  const r = EVENTS[type].safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new EventParseError(`${type} event: ${i.path.join('.') || '(fields)'}: ${i.message}`);
  }
  return r.data as unknown as E;
}
