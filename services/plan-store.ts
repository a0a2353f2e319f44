/**
 * The plan store in Redis, shared by the Planner (writes), the Enactors (read, lease) and Route 53
 * (reads plans, deletes them on cleanup). Plans are immutable once written.
 */
import type { Redis } from 'ioredis';

export const KEYS = {
  plans: 'plans',
  seq: 'plan:seq',
  plan: (g: number) => `plan:${g}`,
  leases: 'leases',
  records: 'r53:records',
  manual: 'r53:manual',
  automationDisabled: 'dns:automation:disabled',
} as const;

export interface Plan {
  readonly generation: number;
  readonly createdAt: number;
  /** endpoint name → healthy addresses (with weights, all equal here). */
  readonly endpoints: Readonly<Record<string, { readonly a: readonly string[]; readonly w: readonly number[] }>>;
}

export async function writePlan(redis: Redis, build: (generation: number) => Plan): Promise<Plan> {
  const generation = await redis.incr(KEYS.seq);
  const plan = build(generation);
  await redis.multi().set(KEYS.plan(generation), JSON.stringify(plan)).zadd(KEYS.plans, generation, String(generation)).exec();
  return plan;
}

export async function readPlan(redis: Redis, generation: number): Promise<Plan | undefined> {
  const raw = await redis.get(KEYS.plan(generation));
  return raw ? (JSON.parse(raw) as Plan) : undefined;
}

export async function newestPlan(redis: Redis): Promise<number | undefined> {
  const [[, top], [, disabled]] = (await redis.multi().zrange(KEYS.plans, -1, -1).get(KEYS.automationDisabled).exec()) as [
    [unknown, string[]],
    [unknown, string | null],
  ];
  if (disabled === '1' || top.length === 0) return undefined;
  return Number(top[0]);
}

export async function listPlans(redis: Redis): Promise<number[]> {
  return (await redis.zrange(KEYS.plans, 0, -1)).map(Number);
}

/** Lease values are "<generation>:<expiresAtEpochMs>". */
export async function setLease(redis: Redis, enactor: string, generation: number | null, ttlMs: number, now = Date.now()): Promise<void> {
  if (generation === null) await redis.hdel(KEYS.leases, enactor);
  else await redis.hset(KEYS.leases, enactor, `${generation}:${now + ttlMs}`);
}

export async function isAutomationDisabled(redis: Redis): Promise<boolean> {
  return (await redis.get(KEYS.automationDisabled)) === '1';
}

/** The plan a record names, as an Enactor's one-time check reads it. */
export interface ActivePlan {
  /** The generation the record names; null when the record is operator-owned or never set. */
  readonly generation: number | null;
  /** False when the named plan no longer exists: the record has no addresses. */
  readonly exists: boolean;
}

/**
 * The Enactor's one-time check of `plan` against the regional record's active plan: passes when
 * the plan is newer; not-newer when it is not; inconsistent when the active plan was deleted.
 * The Enactor acts on it (services/enactor/steps.ts) and Route 53 reports the checks that pass
 * (`route53.check.passed`), so the nemesis can see a stale apply coming before it is sent.
 */
export function oneTimeCheck(plan: number, active: ActivePlan): 'passes' | 'not-newer' | 'inconsistent' {
  if (active.generation !== null && !active.exists) return 'inconsistent';
  if (active.generation !== null && plan <= active.generation) return 'not-newer';
  return 'passes';
}
