/**
 * What the Enactor loop's timing predicts for the DNS race (services/enactor/steps.ts; the
 * README's "Where the race happens" derives it). With a response-side (downstream) latency L on
 * Enactor #1's link every answer it gets is L late while its requests arrive at once:
 *
 *  - its one-time check reads the record when Route 53 receives it, at pick time t0, and passes
 *    only if no fast Enactor has applied the newest plan p yet: they poll every P ms and need a
 *    few ms to check and apply, so the regional record lags each new plan by a window w; a check
 *    passes with probability q = w / I per attempt (I: plan interval). w is measured: the race
 *    map's histories show q·I = 22, 33 and 33 ms at I = 100, 200 and 400 ms (Enactor #1's passed
 *    checks over its attempts); the model takes w = 30 ms (between P/3 + δ ≈ 20 ms for two
 *    independent pollers and P/2 + δ ≈ 30 ms for two in step);
 *  - an idle Enactor #1 tries again every L + P (its check answer takes L, then it sleeps P);
 *  - its stale apply lands at t0 + L. Plan p is deleted once a fast Enactor has applied p + K + 1
 *    and cleaned up: about (K + 1)·I + U' + E·δ after p was written (U' the fast Enactors' poll
 *    delay, E endpoints to apply first). If the apply lands after that, it points the regional
 *    record at a deleted plan: EMPTY, and no Enactor can repair it. If it lands before, the record
 *    names a live, stale plan that the next fast apply replaces: nothing to see. The two poll
 *    delays (how late after p the check ran, and U') each span up to P, so the outcome turns from
 *    "never" to "always" across a band L* ± P around L* = (K + 1)·I + E·δ.
 *
 * So within an observation window W the rate is ≈ 1 − (1 − q·r(L))^n, where r rises linearly
 * from 0 at L* − P to 1 at L* + P, and n counts the attempts whose stale apply can land in the
 * window: a check every L + P, each empty record showing L after its check,
 * n = (W − L) / (L + P) + 1. A request-side (upstream) delay makes the check read the record L
 * late, after the fast Enactors have applied newer plans: it fails, ≈ 0.
 * Attempts are treated as independent (the fast Enactors' poll phases drift); a seed fixes none
 * of this: it is wall-clock timing.
 */

/**
 * ms per Route 53 call on this machine (HTTP on loopback + one Lua transaction): a fast Enactor's
 * apply of a plan to 10 endpoints took a median 25 ms (round.start → applied in a dns-race history).
 */
export const CALL_MS = 2.5;

export interface RaceParams {
  readonly latencyMs: number;
  readonly planIntervalMs: number;
  readonly keep: number;
  readonly pollMs: number;
  readonly endpoints: number;
  readonly stream: 'downstream' | 'upstream' | 'both';
  readonly windowMs: number;
}

/** L*: the latency at the middle of the band where a passed check turns into an empty record. */
export function raceBoundaryMs(p: Pick<RaceParams, 'planIntervalMs' | 'keep' | 'endpoints'>): number {
  return (p.keep + 1) * p.planIntervalMs + p.endpoints * CALL_MS;
}

/** r(L): the share of passed checks that end in an empty record. */
export function emptyAfterPass(p: Pick<RaceParams, 'latencyMs' | 'planIntervalMs' | 'keep' | 'pollMs' | 'endpoints'>): number {
  return Math.min(1, Math.max(0, (p.latencyMs - (raceBoundaryMs(p) - p.pollMs)) / (2 * p.pollMs)));
}

/** w: how long the regional record lags a new plan (measured, see above; it scales with the poll P = 50 ms it was measured at). */
export const CHECK_WINDOW_MS_PER_POLL = 30 / 50;

/** Per-attempt chance that the slow Enactor's check passes. */
export function checkPassChance(p: Pick<RaceParams, 'planIntervalMs' | 'pollMs'>): number {
  return Math.min(1, (p.pollMs * CHECK_WINDOW_MS_PER_POLL) / p.planIntervalMs);
}

export function predictRace(p: RaceParams): { rate: number; boundaryMs: number; attempts: number; checkPass: number } {
  const boundaryMs = raceBoundaryMs(p);
  const attempts = Math.max(0, Math.floor((p.windowMs - p.latencyMs) / (p.latencyMs + p.pollMs)) + 1);
  const checkPass = checkPassChance(p);
  const rate = p.stream !== 'downstream' ? 0 : 1 - (1 - checkPass * emptyAfterPass(p)) ** attempts;
  return { rate: Math.round(rate * 100) / 100, boundaryMs: Math.round(boundaryMs), attempts, checkPass: Math.round(checkPass * 1000) / 1000 };
}
