/**
 * Route 53's control plane and the plan store as one interface: what the Enactors call (the
 * ControlPlane of enactor/steps.ts), plus the Planner's publish and the operator's repair. Two
 * implementations: RedisControlPlane (redis-control-plane.ts) runs the service's own code — the
 * Lua transactions of records.ts and the plan store in a real Redis — and MemoryControlPlane
 * (memory-control-plane.ts) is the same semantics in memory, fast enough for the model checker.
 * The differential test (differential.test.ts) holds them to identical results.
 */
import type { ControlPlane } from '../enactor/steps.ts';

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
