/**
 * The stand-in's tables and items in Redis. A table is its key schema (a HASH key of type S, N or
 * B; composite keys are a deliberate difference: the lab uses none); an item is one Redis string
 * holding its AttributeValue map as JSON, under `ddb:item:<table>:<type>:<key value>`. Writes to
 * one item are serialised in this process (the one DynamoDB process serves every frontend), so a
 * condition and its write are atomic; Redis's append-only file makes an acknowledged write durable.
 */
import type { Redis } from 'ioredis';
import { canonicalNumber, validateValue, type AttributeType, type AttributeValue, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';

export interface TableDef {
  readonly name: string;
  readonly hashKey: string;
  readonly hashType: 'S' | 'N' | 'B';
  readonly createdAt: number;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const tableKey = (name: string) => `ddb:table:${name}`;
const TABLES = 'ddb:tables';

export function checkTableName(name: unknown, field = 'tableName'): string {
  if (typeof name !== 'string' || !TABLE_NAME.test(name)) {
    throw DynamoError.validation(`1 validation error detected: Value '${String(name)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255`);
  }
  return name;
}

export class Tables {
  private readonly cache = new Map<string, TableDef>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly redis: Redis) {}

  async create(def: Omit<TableDef, 'createdAt'>): Promise<TableDef> {
    const t: TableDef = { ...def, createdAt: Date.now() / 1000 };
    const ok = await this.redis.set(tableKey(def.name), JSON.stringify(t), 'NX');
    if (ok === null) throw DynamoError.inUse(def.name);
    await this.redis.sadd(TABLES, def.name);
    this.cache.set(def.name, t);
    return t;
  }

  /** Creates the table unless it exists (the lab's own tables at start). */
  async ensure(def: Omit<TableDef, 'createdAt'>): Promise<void> {
    if (!(await this.find(def.name))) await this.create(def).catch(() => {});
  }

  async find(name: string): Promise<TableDef | undefined> {
    const c = this.cache.get(name);
    if (c) return c;
    const raw = await this.redis.get(tableKey(name));
    if (!raw) return undefined;
    const t = JSON.parse(raw) as TableDef;
    this.cache.set(name, t);
    return t;
  }

  async get(name: string): Promise<TableDef> {
    const t = await this.find(checkTableName(name));
    if (!t) throw DynamoError.notFound();
    return t;
  }

  async list(): Promise<string[]> {
    return (await this.redis.smembers(TABLES)).sort();
  }

  async drop(name: string): Promise<TableDef> {
    const t = await this.get(name);
    await this.redis.del(tableKey(name));
    await this.redis.srem(TABLES, name);
    this.cache.delete(name);
    // Items go with their table.
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `ddb:item:${name}:*`, 'COUNT', 1000);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return t;
  }

  async count(name: string): Promise<number> {
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `ddb:item:${name}:*`, 'COUNT', 1000);
      n += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return n;
  }

  /** The Redis key of an item, from a Key map that must be exactly the table's key. */
  keyOf(t: TableDef, key: unknown, field = 'Key'): { redisKey: string; key: Item } {
    if (key === null || typeof key !== 'object' || Array.isArray(key)) throw DynamoError.validation(`One or more parameter values were invalid: ${field} is required`);
    const names = Object.keys(key);
    const v = (key as Record<string, unknown>)[t.hashKey];
    if (names.length !== 1 || v === undefined) throw DynamoError.validation('The provided key element does not match the schema');
    const av = validateValue(v, t.hashKey);
    // A key of the wrong type is, to DynamoDB, a key that does not match the schema.
    if (Object.keys(av)[0] !== t.hashType) throw DynamoError.validation('The provided key element does not match the schema');
    return { redisKey: itemRedisKey(t, av), key: { [t.hashKey]: av } };
  }

  /** The key of a full item (PutItem), which must hold the table's key attribute with its type. */
  keyOfItem(t: TableDef, item: Item): string {
    const v = item[t.hashKey];
    if (v === undefined) throw DynamoError.validation(`One or more parameter values were invalid: Missing the key ${t.hashKey} in the item`);
    return itemRedisKey(t, v);
  }

  async read(redisKey: string): Promise<Item | undefined> {
    const raw = await this.redis.get(redisKey);
    return raw ? (JSON.parse(raw) as Item) : undefined;
  }

  async readMany(redisKeys: readonly string[]): Promise<(Item | undefined)[]> {
    if (!redisKeys.length) return [];
    return (await this.redis.mget(...redisKeys)).map((raw) => (raw ? (JSON.parse(raw) as Item) : undefined));
  }

  async write(redisKey: string, item: Item | undefined): Promise<void> {
    if (item === undefined) await this.redis.del(redisKey);
    else await this.redis.set(redisKey, JSON.stringify(item));
  }

  /** Several writes in one round trip (a BatchWriteItem: each item on its own, no conditions). */
  async writeMany(writes: readonly { redisKey: string; item: Item | undefined }[]): Promise<void> {
    const p = this.redis.pipeline();
    for (const w of writes) {
      if (w.item === undefined) p.del(w.redisKey);
      else p.set(w.redisKey, JSON.stringify(w.item));
    }
    const r = await p.exec();
    const failed = r?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** Runs `fn` with every one of these keys to itself (a batch's writes, in one round trip). */
  async lockedMany<T>(redisKeys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(redisKeys)].sort();
    if (first === undefined) return fn();
    return this.locked(first, () => this.lockedMany(rest, fn));
  }

  /** Runs `fn` with the item's key to itself (read, check the condition, write: atomically here). */
  async locked<T>(redisKey: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(redisKey) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.locks.set(redisKey, tail);
    void tail.then(() => {
      if (this.locks.get(redisKey) === tail) this.locks.delete(redisKey);
    });
    return run;
  }
}

export function itemRedisKey(t: TableDef, v: AttributeValue): string {
  const type = Object.keys(v)[0] as AttributeType;
  if (type !== t.hashType) throw DynamoError.validation('One or more parameter values were invalid: Type mismatch for key ' + t.hashKey + ' expected: ' + t.hashType + ' actual: ' + type);
  const raw = (v as Record<string, string>)[type]!;
  if (raw === '') throw DynamoError.validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${t.hashKey}`);
  return `ddb:item:${t.name}:${type}:${type === 'N' ? canonicalNumber(raw) : raw}`;
}
