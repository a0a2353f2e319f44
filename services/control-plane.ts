/**
 * The DNS control plane's protocol, shared by the Enactor and Route 53 (neither imports the
 * other): what an Enactor calls (ControlPlane, one round trip a method; enactor/steps.ts runs the
 * protocol on it), plus the Planner's publish and the operator's repair (Route53ControlPlane). Two
 * implementations: RedisControlPlane (redis-control-plane.ts) runs the service's own code — the
 * Lua transactions of records.ts and the plan store in a real Redis — and MemoryControlPlane
 * (memory-control-plane.ts) is the same semantics in memory, fast enough for the model checker.
 * The differential test (differential.test.ts) holds them to identical results.
 */
import type { ActivePlan } from './plan-store.ts';

export type { ActivePlan } from './plan-store.ts';

export type ApplyResult = 'applied' | 'stale';
export type DeleteResult = 'deleted' | 'active' | 'leased' | 'gone';

/** What an Enactor needs from the plan store and Route 53; each method is one round trip. */
export interface ControlPlane {
  /** The newest plan's generation; undefined when there is none or DNS automation is disabled. */
  newestPlan(): Promise<number | undefined>;
  /** Sets (or with null clears) this Enactor's lease on a plan. */
  lease(enactor: string, generation: number | null): Promise<void>;
  /** Reads the plan a record names; `check` says who reads it for which plan (the one-time check). */
  activePlan(endpoint: string, check?: { readonly enactor: string; readonly plan: number }): Promise<ActivePlan>;
  apply(endpoint: string, generation: number, opts: { fence: boolean; enactor: string }): Promise<ApplyResult>;
  listPlans(): Promise<number[]>;
  deletePlan(generation: number, opts: { guard: boolean; enactor: string }): Promise<DeleteResult>;
}

/** What the record of an endpoint names: a plan generation, or the operator's manual addresses. */
export type RecordTarget = number | 'manual';

export interface ControlPlaneSnapshot {
  readonly plans: readonly number[];
  readonly records: Readonly<Record<string, RecordTarget>>;
  /** enactor → [generation, expiresAt]. */
  readonly leases: Readonly<Record<string, readonly [number, number]>>;
  readonly automationDisabled: boolean;
}

/** Thrown by apply and deletePlan while DNS automation is disabled (the service answers 409). */
export class AutomationDisabledError extends Error {
  constructor(what: string) {
    super(`DNS automation is disabled by the operator; ${what} refused`);
    this.name = 'AutomationDisabledError';
  }
}

export interface Route53ControlPlane extends ControlPlane {
  /** The Planner writes the next generation (every endpoint → the healthy frontends). */
  publishPlan(): Promise<number>;
  /** The operator's repair: every record manual with the healthy frontends, DNS automation disabled. */
  restore(): Promise<void>;
  snapshot(): Promise<ControlPlaneSnapshot>;
}
