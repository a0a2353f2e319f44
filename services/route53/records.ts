/**
 * Route 53's record sets. Each endpoint's record names the plan it came from (or is an
 * operator-owned manual record); its addresses are that plan's addresses for the endpoint, so
 * deleting the plan a record names empties the record, as in the incident. Changes are
 * transactions: atomic Lua scripts in Redis, serialised in this process, each followed by an
 * update of the in-memory view the zone file is rendered from.
 */
import type { Redis } from 'ioredis';
import { KEYS, type Plan } from '../plan-store.ts';

// While DNS automation is disabled (the runbook's step) every Enactor change is refused, checked
// in the same transaction as the change: an apply already on its way cannot slip past a repair.
const APPLY = `
if redis.call('GET', KEYS[3]) == '1' then return {-1, ''} end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '1' and cur and cur ~= 'manual' and tonumber(cur) > tonumber(ARGV[2]) then return {0, cur} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1])
return {1, cur or ''}
`;

const DELETE = `
if redis.call('GET', KEYS[5]) == '1' then return 'disabled' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'gone' end
if ARGV[2] == '1' then
  for _, v in ipairs(redis.call('HVALS', KEYS[3])) do
    if v == ARGV[1] then return 'active' end
  end
  for _, l in ipairs(redis.call('HVALS', KEYS[4])) do
    local sep = string.find(l, ':', 1, true)
    if sep and string.sub(l, 1, sep - 1) == ARGV[1] and tonumber(string.sub(l, sep + 1)) > tonumber(ARGV[3]) then
      return 'leased'
    end
  end
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 'deleted'
`;

export type RecordSource = { readonly kind: 'plan'; readonly generation: number } | { readonly kind: 'manual'; readonly addresses: readonly string[] };

export interface RecordView {
  readonly endpoint: string;
  readonly generation: number | null;
  readonly exists: boolean;
  readonly manual: boolean;
  readonly addresses: readonly string[];
}

export interface RecordChange {
  readonly endpoint: string;
  readonly before: RecordView;
  readonly after: RecordView;
}

type Scripts = {
  r53Apply(k1: string, k2: string, k3: string, endpoint: string, gen: string, fence: string): Promise<[number, string]>;
  r53Delete(k1: string, k2: string, k3: string, k4: string, k5: string, gen: string, guard: string, now: string): Promise<string>;
};

export class RecordSets {
  private readonly records = new Map<string, RecordSource>();
  /** Plan contents by generation; undefined entries are known-missing plans. */
  private readonly plans = new Map<number, Plan | undefined>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    readonly endpoints: readonly string[],
    /** Epoch ms, for lease expiry (injectable, so the differential test can drive time). */
    private readonly now: () => number = Date.now,
  ) {
    redis.defineCommand('r53Apply', { numberOfKeys: 3, lua: APPLY });
    redis.defineCommand('r53Delete', { numberOfKeys: 5, lua: DELETE });
    this.scripts = redis as unknown as Scripts;
  }

  /** Runs a transaction after every earlier one has finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Loads the records from Redis; endpoints never set start as manual records with `seed` addresses. */
  async load(seed: readonly string[]): Promise<void> {
    const [stored, manual] = await Promise.all([this.redis.hgetall(KEYS.records), this.redis.hgetall(KEYS.manual)]);
    const fresh: string[] = [];
    for (const e of this.endpoints) {
      const v = stored[e];
      if (v === undefined) {
        fresh.push(e);
        this.records.set(e, { kind: 'manual', addresses: seed });
      } else if (v === 'manual') {
        this.records.set(e, { kind: 'manual', addresses: JSON.parse(manual[e] ?? '[]') as string[] });
      } else {
        this.records.set(e, { kind: 'plan', generation: Number(v) });
        await this.planContent(Number(v));
      }
    }
    if (fresh.length) await this.writeManual(fresh, seed);
  }

  private async writeManual(endpoints: readonly string[], addresses: readonly string[], disableAutomation = false): Promise<void> {
    const m = this.redis.multi();
    if (disableAutomation) m.set(KEYS.automationDisabled, '1');
    for (const e of endpoints) m.hset(KEYS.records, e, 'manual').hset(KEYS.manual, e, JSON.stringify(addresses));
    await m.exec();
  }

  private async planContent(generation: number): Promise<Plan | undefined> {
    if (this.plans.has(generation)) return this.plans.get(generation);
    const raw = await this.redis.get(KEYS.plan(generation));
    const plan = raw ? (JSON.parse(raw) as Plan) : undefined;
    this.plans.set(generation, plan);
    return plan;
  }

  has(endpoint: string): boolean {
    return this.records.has(endpoint);
  }

  view(endpoint: string): RecordView {
    const r = this.records.get(endpoint);
    if (!r) throw new Error(`no record for ${endpoint}`);
    if (r.kind === 'manual') return { endpoint, generation: null, exists: true, manual: true, addresses: r.addresses };
    const plan = this.plans.get(r.generation);
    return { endpoint, generation: r.generation, exists: !!plan, manual: false, addresses: plan?.endpoints[endpoint]?.a ?? [] };
  }

  all(): RecordView[] {
    return this.endpoints.map((e) => this.view(e));
  }

  /** Points an endpoint's record at a plan; with `fence`, only if the plan is not older than the record's (re-applying the same plan is idempotent). */
  apply(endpoint: string, generation: number, fence: boolean): Promise<{ result: 'applied' | 'stale' | 'disabled'; active: number | null; change?: RecordChange }> {
    return this.serial(async () => {
      const before = this.view(endpoint);
      const [ok, cur] = await this.scripts.r53Apply(KEYS.records, KEYS.manual, KEYS.automationDisabled, endpoint, String(generation), fence ? '1' : '0');
      if (ok === -1) return { result: 'disabled' as const, active: before.generation };
      if (ok === 0) return { result: 'stale' as const, active: Number(cur) };
      await this.planContent(generation);
      this.records.set(endpoint, { kind: 'plan', generation });
      return { result: 'applied' as const, active: before.generation, change: { endpoint, before, after: this.view(endpoint) } };
    });
  }

  /** Deletes a plan; with `guard`, refuses while any record names it or an Enactor leases it. */
  deletePlan(generation: number, guard: boolean): Promise<{ result: 'deleted' | 'active' | 'leased' | 'gone' | 'disabled'; changes: RecordChange[] }> {
    return this.serial(async () => {
      const affected = this.endpoints.filter((e) => {
        const r = this.records.get(e);
        return r?.kind === 'plan' && r.generation === generation;
      });
      const before = affected.map((e) => this.view(e));
      const result = (await this.scripts.r53Delete(
        KEYS.plans,
        KEYS.plan(generation),
        KEYS.records,
        KEYS.leases,
        KEYS.automationDisabled,
        String(generation),
        guard ? '1' : '0',
        String(this.now()),
      )) as 'deleted' | 'active' | 'leased' | 'gone' | 'disabled';
      if (result !== 'deleted') return { result, changes: [] };
      this.plans.set(generation, undefined);
      return { result, changes: before.map((b) => ({ endpoint: b.endpoint, before: b, after: this.view(b.endpoint) })) };
    });
  }

  /** The operator's repair: every record becomes a manual record with the given addresses (and, usually, DNS automation is disabled in the same transaction). */
  restore(addresses: readonly string[], disableAutomation = true): Promise<RecordChange[]> {
    return this.serial(async () => {
      const before = this.all();
      await this.writeManual(this.endpoints, addresses, disableAutomation);
      for (const e of this.endpoints) this.records.set(e, { kind: 'manual', addresses });
      return before.map((b) => ({ endpoint: b.endpoint, before: b, after: this.view(b.endpoint) }));
    });
  }
}
