/**
 * The DNS Enactor's protocol as explicit steps, each exactly one call to the control plane. The
 * enactor service runs these steps in a loop against Redis and the Route 53 stand-in; the model
 * checker (`outage-lab check enactor`) runs the very same functions against an in-memory control
 * plane and explores every interleaving of several Enactors and the Planner.
 *
 * One round: pick the newest plan → (safeguards: take a lease on it) → one-time check that it is
 * newer than the plan currently active on the regional endpoint → apply it to every endpoint, one
 * transaction each → list plans → delete those more than K generations older than the one just
 * applied → (safeguards: release the lease).
 *
 * Without safeguards, nothing stops a delayed Enactor from applying a plan that is stale by then,
 * nor a fast one from deleting a plan that a slow one is applying or has just made active. With
 * safeguards, every apply is fenced (Route 53 refuses a generation older than the record's)
 * and cleanup is guarded (Route 53 refuses to delete a plan any record names or any Enactor holds
 * a lease on).
 */

import type { ControlPlane } from '../control-plane.ts';
import { oneTimeCheck } from '../plan-store.ts';

export type { ActivePlan, ApplyResult, ControlPlane, DeleteResult } from '../control-plane.ts';

export interface EnactorConfig {
  readonly id: string;
  /** Endpoints in apply order; the first is the regional endpoint the one-time check reads. */
  readonly endpoints: readonly string[];
  /** K: cleanup deletes plans more than K generations older than the one just applied. */
  readonly keepGenerations: number;
  readonly safeguards: boolean;
}

export type EnactorState =
  | { readonly phase: 'pick' }
  | { readonly phase: 'lease'; readonly plan: number }
  | { readonly phase: 'check'; readonly plan: number }
  | { readonly phase: 'apply'; readonly plan: number; readonly index: number }
  | { readonly phase: 'list'; readonly plan: number }
  | { readonly phase: 'clean'; readonly plan: number; readonly victims: readonly number[] }
  | { readonly phase: 'release'; readonly plan: number };

export type EnactorEvent =
  | { readonly type: 'enactor.round.start'; readonly plan: number }
  | { readonly type: 'enactor.skip.not-newer'; readonly plan: number; readonly active: number }
  | { readonly type: 'enactor.apply.failed'; readonly plan: number; readonly reason: string; readonly active: number | null }
  | { readonly type: 'enactor.apply.rejected-stale'; readonly plan: number; readonly endpoint: string }
  | { readonly type: 'enactor.applied'; readonly plan: number; readonly endpoints: number }
  | { readonly type: 'enactor.cleanup.deleted'; readonly plan: number; readonly deleted: number }
  | { readonly type: 'enactor.cleanup.refused'; readonly plan: number; readonly deleted: number; readonly reason: 'active' | 'leased' }
  | { readonly type: 'enactor.round.done'; readonly plan: number };

export interface StepResult {
  readonly next: EnactorState;
  readonly events: readonly EnactorEvent[];
  /** True when the Enactor found nothing to do and should wait before the next step. */
  readonly idle: boolean;
}

export const START: EnactorState = { phase: 'pick' };

const go = (next: EnactorState, events: EnactorEvent[] = [], idle = false): StepResult => ({ next, events, idle });

/** Where a round ends: through the lease release when safeguards hold one. */
function endRound(cfg: EnactorConfig, plan: number): EnactorState {
  return cfg.safeguards ? { phase: 'release', plan } : START;
}

/** Performs one step: exactly one control-plane call. */
export async function step(cfg: EnactorConfig, state: EnactorState, cp: ControlPlane): Promise<StepResult> {
  switch (state.phase) {
    case 'pick': {
      const plan = await cp.newestPlan();
      if (plan === undefined) return go(START, [], true);
      return go(cfg.safeguards ? { phase: 'lease', plan } : { phase: 'check', plan });
    }
    case 'lease':
      await cp.lease(cfg.id, state.plan);
      return go({ phase: 'check', plan: state.plan });
    case 'check': {
      // The one-time freshness check: made once, before a possibly long apply.
      const active = await cp.activePlan(cfg.endpoints[0]!, { enactor: cfg.id, plan: state.plan });
      const verdict = oneTimeCheck(state.plan, active);
      if (verdict === 'inconsistent') {
        const reason = `active plan ${active.generation} of ${cfg.endpoints[0]} no longer exists: inconsistent state, refusing to apply`;
        return go(endRound(cfg, state.plan), [{ type: 'enactor.apply.failed', plan: state.plan, reason, active: active.generation }], true);
      }
      if (verdict === 'not-newer') {
        return go(endRound(cfg, state.plan), [{ type: 'enactor.skip.not-newer', plan: state.plan, active: active.generation! }], true);
      }
      return go({ phase: 'apply', plan: state.plan, index: 0 }, [{ type: 'enactor.round.start', plan: state.plan }]);
    }
    case 'apply': {
      const endpoint = cfg.endpoints[state.index]!;
      const result = await cp.apply(endpoint, state.plan, { fence: cfg.safeguards, enactor: cfg.id });
      if (result === 'stale') {
        return go(endRound(cfg, state.plan), [{ type: 'enactor.apply.rejected-stale', plan: state.plan, endpoint }]);
      }
      if (state.index + 1 < cfg.endpoints.length) return go({ phase: 'apply', plan: state.plan, index: state.index + 1 });
      return go({ phase: 'list', plan: state.plan }, [{ type: 'enactor.applied', plan: state.plan, endpoints: cfg.endpoints.length }]);
    }
    case 'list': {
      const plans = await cp.listPlans();
      const victims = plans.filter((g) => g < state.plan - cfg.keepGenerations).sort((a, b) => a - b);
      if (victims.length === 0) return go(endRound(cfg, state.plan), [{ type: 'enactor.round.done', plan: state.plan }]);
      return go({ phase: 'clean', plan: state.plan, victims });
    }
    case 'clean': {
      const [victim, ...rest] = state.victims as [number, ...number[]];
      const result = await cp.deletePlan(victim, { guard: cfg.safeguards, enactor: cfg.id });
      const events: EnactorEvent[] = [];
      if (result === 'deleted') events.push({ type: 'enactor.cleanup.deleted', plan: state.plan, deleted: victim });
      if (result === 'active' || result === 'leased') events.push({ type: 'enactor.cleanup.refused', plan: state.plan, deleted: victim, reason: result });
      if (rest.length > 0) return go({ phase: 'clean', plan: state.plan, victims: rest }, events);
      return go(endRound(cfg, state.plan), [...events, { type: 'enactor.round.done', plan: state.plan }]);
    }
    case 'release':
      await cp.lease(cfg.id, null);
      return go(START);
  }
}
