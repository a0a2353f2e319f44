/**
 * The stand-in's tables and items in Redis. A table is its key schema: a HASH (partition) key of
 * type S, N or B, and optionally a RANGE (sort) key. An item's *address* says where it lives:
 *  - a table with a HASH key only: one Redis string holding the item's AttributeValue map as JSON,
 *    under `ddb:item:<table>:<type>:<key value>` (the address is that key);
 *  - a table with a composite key: one Redis hash per partition, `ddb:part:<table>:<type>:<key
 *    value, URI-encoded>`, with a field `<type>:<sort key value>` per item (the address is the
 *    partition's key, a space, and the field), so a Query reads its partition in one HGETALL.
 * Writes to one item are serialised in this process (the one DynamoDB process serves every
 * frontend), so a condition and its write are atomic; Redis's append-only file makes an
 * acknowledged write durable.
 */
import type { Redis } from 'ioredis';
import { canonicalNumber, validateValue, type AttributeType, type AttributeValue, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';

export interface TableDef {
  readonly name: string;
  readonly hashKey: string;
  readonly hashType: KeyType;
  /** The sort key, when the key is composite. */
  readonly rangeKey?: string;
  readonly rangeType?: KeyType;
  readonly createdAt: number;
}

export type KeyType = 'S' | 'N' | 'B';

/** The key attributes' names, partition key first. */
export const keyNames = (t: TableDef): string[] => (t.rangeKey === undefined ? [t.hashKey] : [t.hashKey, t.rangeKey]);

/** Where an item lives: a Redis string, or a field of a partition's Redis hash. */
function split(address: string): { key: string; field?: string } {
  const i = address.indexOf(' ');
  return i < 0 ? { key: address } : { key: address.slice(0, i), field: address.slice(i + 1) };
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
    const keys = await this.storageKeys(t);
    for (let i = 0; i < keys.length; i += 1000) await this.redis.del(...keys.slice(i, i + 1000));
    return t;
  }

  /** The Redis keys holding the table's items: one per item, or one per partition. */
  async storageKeys(t: TableDef): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    // Table names are [a-zA-Z0-9_.-]: nothing in them is a MATCH pattern's special character.
    const pattern = t.rangeKey === undefined ? `ddb:item:${t.name}:*` : `ddb:part:${t.name}:*`;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      out.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return out;
  }

  async count(t: TableDef): Promise<number> {
    const keys = await this.storageKeys(t);
    if (t.rangeKey === undefined) return keys.length;
    const p = this.redis.pipeline();
    for (const k of keys) p.hlen(k);
    return ((await p.exec()) ?? []).reduce((a, [, n]) => a + Number(n), 0);
  }

  /** Every item of the table with its address (a Scan reads them all; the lab's tables are small). */
  async all(t: TableDef): Promise<{ address: string; item: Item }[]> {
    const keys = await this.storageKeys(t);
    if (t.rangeKey === undefined) {
      const items = await this.readMany(keys);
      return keys.flatMap((address, i) => (items[i] ? [{ address, item: items[i] }] : []));
    }
    const out: { address: string; item: Item }[] = [];
    for (const k of keys) out.push(...(await this.partitionOf(k)));
    return out;
  }

  /** The items of one partition of a composite-key table (a Query's candidates). */
  async partition(t: TableDef, hash: AttributeValue): Promise<{ address: string; item: Item }[]> {
    return this.partitionOf(partitionRedisKey(t, hash));
  }

  private async partitionOf(key: string): Promise<{ address: string; item: Item }[]> {
    const fields = await this.redis.hgetall(key);
    return Object.entries(fields).map(([field, raw]) => ({ address: `${key} ${field}`, item: JSON.parse(raw) as Item }));
  }

  /** The address of an item, from a Key map that must be exactly the table's key. */
  keyOf(t: TableDef, key: unknown, field = 'Key'): { redisKey: string; key: Item } {
    if (key === null || typeof key !== 'object' || Array.isArray(key)) throw DynamoError.validation(`One or more parameter values were invalid: ${field} is required`);
    const names = keyNames(t);
    const given = key as Record<string, unknown>;
    if (Object.keys(given).length !== names.length || names.some((n) => given[n] === undefined)) throw DynamoError.validation('The provided key element does not match the schema');
    const out: Item = {};
    for (const n of names) {
      const av = validateValue(given[n], n);
      // A key of the wrong type is, to DynamoDB, a key that does not match the schema.
      if (Object.keys(av)[0] !== (n === t.hashKey ? t.hashType : t.rangeType)) throw DynamoError.validation('The provided key element does not match the schema');
      out[n] = av;
    }
    return { redisKey: this.keyOfItem(t, out), key: out };
  }

  /** The address of a full item (PutItem), which must hold the table's key attributes with their types. */
  keyOfItem(t: TableDef, item: Item): string {
    for (const n of keyNames(t)) if (item[n] === undefined) throw DynamoError.validation(`One or more parameter values were invalid: Missing the key ${n} in the item`);
    if (t.rangeKey === undefined) return itemRedisKey(t, item[t.hashKey]!);
    return `${partitionRedisKey(t, item[t.hashKey]!)} ${keyPart(t.rangeKey, t.rangeType!, item[t.rangeKey]!)}`;
  }

  /** The table's key attributes of an item (a LastEvaluatedKey). */
  keyAttributes(t: TableDef, item: Item): Item {
    return Object.fromEntries(keyNames(t).map((n) => [n, item[n]!]));
  }

  async read(address: string): Promise<Item | undefined> {
    const { key, field } = split(address);
    const raw = field === undefined ? await this.redis.get(key) : await this.redis.hget(key, field);
    return raw ? (JSON.parse(raw) as Item) : undefined;
  }

  async readMany(addresses: readonly string[]): Promise<(Item | undefined)[]> {
    if (!addresses.length) return [];
    if (addresses.every((a) => !a.includes(' '))) return (await this.redis.mget(...addresses)).map((raw) => (raw ? (JSON.parse(raw) as Item) : undefined));
    const p = this.redis.pipeline();
    for (const a of addresses) {
      const { key, field } = split(a);
      if (field === undefined) p.get(key);
      else p.hget(key, field);
    }
    return ((await p.exec()) ?? []).map(([err, raw]) => {
      if (err) throw err;
      return raw ? (JSON.parse(raw as string) as Item) : undefined;
    });
  }

  async write(address: string, item: Item | undefined): Promise<void> {
    const { key, field } = split(address);
    if (field === undefined) await (item === undefined ? this.redis.del(key) : this.redis.set(key, JSON.stringify(item)));
    else await (item === undefined ? this.redis.hdel(key, field) : this.redis.hset(key, field, JSON.stringify(item)));
  }

  /** Several writes in one MULTI (a batch's items, or a transaction's: all of them or none). */
  async writeMany(writes: readonly { redisKey: string; item: Item | undefined }[]): Promise<void> {
    const p = this.redis.multi();
    for (const w of writes) {
      const { key, field } = split(w.redisKey);
      if (field === undefined) {
        if (w.item === undefined) p.del(key);
        else p.set(key, JSON.stringify(w.item));
      } else if (w.item === undefined) p.hdel(key, field);
      else p.hset(key, field, JSON.stringify(w.item));
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

/** `<type>:<value>` of a key attribute, numbers canonical (1.0 and 1 are one key). */
function keyPart(name: string, expected: KeyType, v: AttributeValue): string {
  const type = Object.keys(v)[0] as AttributeType;
  if (type !== expected) throw DynamoError.validation('One or more parameter values were invalid: Type mismatch for key ' + name + ' expected: ' + expected + ' actual: ' + type);
  const raw = (v as Record<string, string>)[type]!;
  if (raw === '') throw DynamoError.validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`);
  return `${type}:${type === 'N' ? canonicalNumber(raw) : raw}`;
}

/** The Redis key of an item of a table with a HASH key only. */
export function itemRedisKey(t: TableDef, v: AttributeValue): string {
  return `ddb:item:${t.name}:${keyPart(t.hashKey, t.hashType, v)}`;
}

/** The Redis hash of one partition of a composite-key table. */
export function partitionRedisKey(t: TableDef, v: AttributeValue): string {
  const part = keyPart(t.hashKey, t.hashType, v);
  return `ddb:part:${t.name}:${part.slice(0, 2)}${encodeURIComponent(part.slice(2))}`;
}
