/** The DynamoDB stand-in's items in Redis: one hash per item with its value and a version. */
import type { Redis } from 'ioredis';

const PUT_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'ver')
if ARGV[2] == 'absent' and cur then return {0, tonumber(cur)} end
if ARGV[2] == 'version' and ((not cur) or tonumber(cur) ~= tonumber(ARGV[3])) then
  if cur then return {0, tonumber(cur)} end
  return {0, 0}
end
local nv = (cur and tonumber(cur) or 0) + 1
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'ver', nv, 'ts', ARGV[4])
return {1, nv}
`;

export type PutCondition = { absent: true } | { version: number } | undefined;

export interface Item {
  readonly value: unknown;
  readonly version: number;
}

export function itemKey(table: string, key: string): string {
  return `ddb:${table}:${key}`;
}

export class ItemStore {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('ddbPut', { numberOfKeys: 1, lua: PUT_SCRIPT });
  }

  async get(table: string, key: string): Promise<Item | undefined> {
    const [v, ver] = await this.redis.hmget(itemKey(table, key), 'v', 'ver');
    if (v === null || v === undefined) return undefined;
    return { value: JSON.parse(v), version: Number(ver) };
  }

  /** Writes the item if the condition holds; returns the new (or, when refused, the current) version. */
  async put(table: string, key: string, value: unknown, condition: PutCondition): Promise<{ written: boolean; version: number }> {
    const mode = condition === undefined ? 'any' : 'absent' in condition ? 'absent' : 'version';
    const expected = condition && 'version' in condition ? String(condition.version) : '0';
    const [ok, version] = (await (this.redis as unknown as { ddbPut: (...a: string[]) => Promise<[number, number]> }).ddbPut(
      itemKey(table, key),
      JSON.stringify(value),
      mode,
      expected,
      String(Date.now()),
    )) as [number, number];
    return { written: ok === 1, version };
  }

  /** Writes several items unconditionally in one round trip (a BatchWriteItem). */
  async putMany(table: string, items: readonly { key: string; value: unknown }[]): Promise<void> {
    const p = this.redis.pipeline();
    const ts = String(Date.now());
    for (const it of items) p.hset(itemKey(table, it.key), 'v', JSON.stringify(it.value), 'ts', ts).hincrby(itemKey(table, it.key), 'ver', 1);
    const results = await p.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async delete(table: string, key: string): Promise<boolean> {
    return (await this.redis.del(itemKey(table, key))) === 1;
  }
}
