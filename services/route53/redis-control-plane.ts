/**
 * Route 53's control plane as the service runs it: the RecordSets transactions (Lua in Redis) and
 * the plan store's functions, against a real Redis, with an injectable clock. The differential
 * test holds MemoryControlPlane (the model checker's) to this, call for call.
 */
import type { Redis } from 'ioredis';
import type { ActivePlan, ApplyResult, DeleteResult } from '../control-plane.ts';
import { KEYS, listPlans, newestPlan, setLease, writePlan } from '../plan-store.ts';
import { AutomationDisabledError, type ControlPlaneSnapshot, type RecordTarget, type Route53ControlPlane } from '../control-plane.ts';
import { RecordSets } from './records.ts';

export class RedisControlPlane implements Route53ControlPlane {
  private constructor(
    private readonly redis: Redis,
    private readonly records: RecordSets,
    private readonly addresses: readonly string[],
    private readonly now: () => number,
    private readonly leaseTtlMs: number,
  ) {}

  /** A control plane over an empty Redis database: every record starts manual with `addresses`. */
  static async open(redis: Redis, endpoints: readonly string[], opts: { addresses: readonly string[]; now: () => number; leaseTtlMs: number }): Promise<RedisControlPlane> {
    const records = new RecordSets(redis, endpoints, opts.now);
    await records.load(opts.addresses);
    return new RedisControlPlane(redis, records, opts.addresses, opts.now, opts.leaseTtlMs);
  }

  async publishPlan(): Promise<number> {
    const endpoints = Object.fromEntries(this.records.endpoints.map((e) => [e, { a: this.addresses, w: this.addresses.map(() => 1) }]));
    return (await writePlan(this.redis, (generation) => ({ generation, createdAt: this.now(), endpoints }))).generation;
  }

  newestPlan(): Promise<number | undefined> {
    return newestPlan(this.redis);
  }

  lease(enactor: string, generation: number | null): Promise<void> {
    return setLease(this.redis, enactor, generation, this.leaseTtlMs, this.now());
  }

  async activePlan(endpoint: string): Promise<ActivePlan> {
    const v = this.records.view(endpoint);
    return { generation: v.generation, exists: v.exists };
  }

  async apply(endpoint: string, generation: number, opts: { fence: boolean }): Promise<ApplyResult> {
    const r = await this.records.apply(endpoint, generation, opts.fence);
    if (r.result === 'disabled') throw new AutomationDisabledError(`apply of plan ${generation}`);
    return r.result;
  }

  listPlans(): Promise<number[]> {
    return listPlans(this.redis);
  }

  async deletePlan(generation: number, opts: { guard: boolean }): Promise<DeleteResult> {
    const r = await this.records.deletePlan(generation, opts.guard);
    if (r.result === 'disabled') throw new AutomationDisabledError(`deletion of plan ${generation}`);
    return r.result;
  }

  async restore(): Promise<void> {
    await this.records.restore(this.addresses, true);
  }

  /** Read straight from Redis (not from the service's in-memory view). */
  async snapshot(): Promise<ControlPlaneSnapshot> {
    const [plans, records, leases, disabled] = await Promise.all([
      listPlans(this.redis),
      this.redis.hgetall(KEYS.records),
      this.redis.hgetall(KEYS.leases),
      this.redis.get(KEYS.automationDisabled),
    ]);
    return {
      plans,
      records: Object.fromEntries(Object.entries(records).map(([e, v]) => [e, (v === 'manual' ? 'manual' : Number(v)) as RecordTarget])),
      leases: Object.fromEntries(
        Object.entries(leases).map(([k, v]) => {
          const [g, exp] = v.split(':').map(Number) as [number, number];
          return [k, [g, exp] as const];
        }),
      ),
      automationDisabled: disabled === '1',
    };
  }
}
