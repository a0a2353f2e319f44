/**
 * The network state the fleet's instances wait for, shared by the Network Manager (which counts,
 * per NLB target, the changes still queued for its droplet) and the fleet (whose instances have no
 * connectivity while any is): a Redis hash target → changes pending, as plan-store.ts is the plan
 * store Planner, Enactors and Route 53 share.
 */
import type { Redis } from 'ioredis';

const PENDING_KEY = 'net:pending';

/** Adds (or with a negative d, removes) pending changes per target. */
export async function addPending(redis: Redis, byTarget: ReadonlyMap<number, number>): Promise<void> {
  if (!byTarget.size) return;
  const m = redis.multi();
  for (const [target, d] of byTarget) m.hincrby(PENDING_KEY, String(target), d);
  await m.exec();
}

/** Pending changes per target, 0 ≤ j < count. */
export async function pendingByTarget(redis: Redis, count: number): Promise<Int32Array> {
  const all = await redis.hgetall(PENDING_KEY);
  const out = new Int32Array(count);
  for (const [k, v] of Object.entries(all)) {
    const j = Number(k);
    if (j >= 0 && j < count) out[j] = Number(v);
  }
  return out;
}
