/**
 * Route 53's control plane and the plan store in memory, with the semantics of the service's Lua
 * transactions (records.ts) and plan store (plan-store.ts): the model checker explores it. The
 * differential test runs random operation sequences against this and the real one and requires
 * identical results, so the two cannot drift unnoticed. Records each call (for traces) and what
 * it did (for the checker's properties).
 */
import type { ActivePlan, ApplyResult, DeleteResult } from './enactor/steps.ts';
import { AutomationDisabledError, type ControlPlaneSnapshot, type RecordTarget, type Route53ControlPlane } from './control-plane.ts';

export interface MemoryState {
  plans: number[];
  records: Record<string, RecordTarget>;
  /** enactor → [generation, expiresAt] */
  leases: Record<string, [number, number]>;
  automationDisabled: boolean;
  /** The last generation the Planner wrote (plan:seq). */
  seq: number;
}

/** What a call did, for the checker's properties. */
export type Effect =
  | { readonly kind: 'applied'; readonly endpoint: string; readonly generation: number; readonly previous: RecordTarget | undefined }
  | { readonly kind: 'deleted'; readonly generation: number; readonly namedBy: readonly string[] };

export class MemoryControlPlane implements Route53ControlPlane {
  readonly calls: string[] = [];
  readonly effects: Effect[] = [];

  constructor(
    readonly s: MemoryState,
    private readonly now: () => number = () => 0,
    private readonly leaseTtlMs = 1,
  ) {}

  static fresh(endpoints: readonly string[], opts: { now?: () => number; leaseTtlMs?: number } = {}): MemoryControlPlane {
    return new MemoryControlPlane({ plans: [], records: Object.fromEntries(endpoints.map((e) => [e, 'manual'])), leases: {}, automationDisabled: false, seq: 0 }, opts.now, opts.leaseTtlMs);
  }

  async publishPlan(): Promise<number> {
    const g = ++this.s.seq;
    this.s.plans.push(g);
    this.calls.push(`publishes plan ${g}`);
    return g;
  }

  async newestPlan(): Promise<number | undefined> {
    const newest = this.s.automationDisabled || this.s.plans.length === 0 ? undefined : Math.max(...this.s.plans);
    this.calls.push(this.s.automationDisabled ? 'newest plan: none (automation disabled)' : `newest plan is ${newest ?? 'none'}`);
    return newest;
  }

  async lease(enactor: string, generation: number | null): Promise<void> {
    if (generation === null) delete this.s.leases[enactor];
    else this.s.leases[enactor] = [generation, this.now() + this.leaseTtlMs];
    this.calls.push(generation === null ? 'releases its lease' : `takes a lease on plan ${generation}`);
  }

  async activePlan(endpoint: string): Promise<ActivePlan> {
    const r = this.s.records[endpoint];
    const generation = r === undefined || r === 'manual' ? null : r;
    const exists = generation === null || this.s.plans.includes(generation);
    this.calls.push(`reads ${endpoint}: ${r === 'manual' ? 'manual record' : `active plan ${generation}${exists ? '' : ' (deleted!)'}`}`);
    return { generation, exists };
  }

  async apply(endpoint: string, generation: number, opts: { fence: boolean }): Promise<ApplyResult> {
    if (this.s.automationDisabled) {
      this.calls.push(`applies plan ${generation} to ${endpoint} → REFUSED: automation disabled`);
      throw new AutomationDisabledError(`apply of plan ${generation}`);
    }
    const current = this.s.records[endpoint];
    if (opts.fence && current !== undefined && current !== 'manual' && current > generation) {
      this.calls.push(`applies plan ${generation} to ${endpoint} → REJECTED by fencing (record has ${current})`);
      return 'stale';
    }
    this.s.records[endpoint] = generation;
    const gone = !this.s.plans.includes(generation);
    this.calls.push(`applies plan ${generation} to ${endpoint} (was ${current})${gone ? ' — that plan was already deleted' : ''}`);
    this.effects.push({ kind: 'applied', endpoint, generation, previous: current });
    return 'applied';
  }

  async listPlans(): Promise<number[]> {
    this.calls.push(`lists plans [${this.s.plans.join(', ')}]`);
    return [...this.s.plans].sort((a, b) => a - b);
  }

  async deletePlan(generation: number, opts: { guard: boolean }): Promise<DeleteResult> {
    if (this.s.automationDisabled) {
      this.calls.push(`deletes plan ${generation} → REFUSED: automation disabled`);
      throw new AutomationDisabledError(`deletion of plan ${generation}`);
    }
    if (!this.s.plans.includes(generation)) {
      this.calls.push(`deletes plan ${generation} → already gone`);
      return 'gone';
    }
    const namedBy = Object.entries(this.s.records).filter(([, g]) => g === generation).map(([e]) => e);
    if (opts.guard && namedBy.length) {
      this.calls.push(`deletes plan ${generation} → REFUSED: active on ${namedBy.join(', ')}`);
      return 'active';
    }
    const now = this.now();
    const leasedBy = Object.entries(this.s.leases).filter(([, [g, exp]]) => g === generation && exp > now).map(([e]) => e);
    if (opts.guard && leasedBy.length) {
      this.calls.push(`deletes plan ${generation} → REFUSED: leased by ${leasedBy.join(', ')}`);
      return 'leased';
    }
    this.s.plans = this.s.plans.filter((g) => g !== generation);
    this.calls.push(`deletes plan ${generation}${namedBy.length ? ` — the active plan of ${namedBy.join(', ')}` : ''}`);
    this.effects.push({ kind: 'deleted', generation, namedBy });
    return 'deleted';
  }

  async restore(): Promise<void> {
    this.s.automationDisabled = true;
    for (const e of Object.keys(this.s.records)) this.s.records[e] = 'manual';
    this.calls.push('operator restores every record by hand and disables DNS automation');
  }

  async snapshot(): Promise<ControlPlaneSnapshot> {
    return {
      plans: [...this.s.plans].sort((a, b) => a - b),
      records: { ...this.s.records },
      leases: Object.fromEntries(Object.entries(this.s.leases).map(([k, v]) => [k, [...v] as const])),
      automationDisabled: this.s.automationDisabled,
    };
  }
}
