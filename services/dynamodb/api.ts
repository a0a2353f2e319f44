/**
 * DynamoDB's operations (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`) for what the lab
 * uses: GetItem, PutItem, UpdateItem, DeleteItem (with ConditionExpression), BatchWriteItem (25
 * requests a call, UnprocessedItems when the table's queue has no room), BatchGetItem (100 keys),
 * and the tables (CreateTable, DescribeTable, DeleteTable, ListTables). Every data operation goes
 * through the table's capacity model, costing one unit per item it reads or writes.
 *
 * Deliberate differences from DynamoDB: tables have a HASH key only; the legacy parameters
 * (Expected, AttributeUpdates, AttributesToGet, ConditionalOperator) are refused; capacity is
 * the lab's model (workers × service time, a queue), not read/write capacity units; tables are
 * ACTIVE at once; ItemCount is exact.
 */
import { itemSize, validateItem, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';
import { applyUpdate, checkUpdate, evaluate, parseCondition, parseProjection, parseUpdate, PlaceholderUse, project, touchCondition, type Placeholders } from './expressions.ts';
import { checkTableName, type TableDef, type Tables } from './tables.ts';

/** How the capacity model serves a data operation: `work` once a worker takes it; throws DynamoError when it will not. */
export interface Capacity {
  serve<T>(table: string, cost: number, work: () => Promise<T>): Promise<T>;
  /** Items the table's queue can take now (Infinity with no queue limit). */
  room(table: string): number;
}

export interface ApiContext {
  readonly tables: Tables;
  readonly capacity: Capacity;
  readonly region: string;
}

type Body = Record<string, unknown>;
export type Operation = (b: Body, ctx: ApiContext) => Promise<Body>;

const MAX_ITEM_BYTES = 400 * 1024;
const LEGACY = ['Expected', 'AttributeUpdates', 'AttributesToGet', 'ConditionalOperator', 'ScanFilter', 'QueryFilter', 'KeyConditions'];

function noLegacy(b: Body): void {
  const used = LEGACY.filter((k) => b[k] !== undefined);
  if (used.length) throw DynamoError.validation(`${used.join(', ')}: legacy parameters are not supported by this stand-in; use expressions (ConditionExpression, UpdateExpression, ProjectionExpression)`);
}

function str(b: Body, k: string, required = false): string | undefined {
  const v = b[k];
  if (v === undefined) {
    if (required) throw DynamoError.validation(`1 validation error detected: Value null at '${k[0]!.toLowerCase()}${k.slice(1)}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw DynamoError.serialization(`${k}: expected a string`);
  return v;
}

function placeholders(b: Body, expressions: readonly (string | undefined)[]): PlaceholderUse {
  const names = b.ExpressionAttributeNames as Record<string, string> | undefined;
  const values = b.ExpressionAttributeValues as Placeholders['values'];
  if (expressions.every((e) => e === undefined)) {
    if (names !== undefined) throw DynamoError.validation('ExpressionAttributeNames can only be specified when using expressions');
    if (values !== undefined) throw DynamoError.validation('ExpressionAttributeValues can only be specified when using expressions');
  }
  if (values !== undefined && Object.keys(values).length === 0) throw DynamoError.validation('ExpressionAttributeValues must not be empty');
  if (names !== undefined && Object.keys(names).length === 0) throw DynamoError.validation('ExpressionAttributeNames must not be empty');
  return new PlaceholderUse({ ...(names ? { names } : {}), ...(values ? { values } : {}) });
}

function returnValues(b: Body, allowed: readonly string[]): string {
  const r = str(b, 'ReturnValues') ?? 'NONE';
  if (!allowed.includes(r)) throw DynamoError.validation(`Return values set to invalid value`);
  return r;
}

/** Parses a request's condition (and checks placeholders) before any capacity is spent. */
function conditionOf(b: Body, ph: PlaceholderUse) {
  const src = str(b, 'ConditionExpression');
  const c = src === undefined ? undefined : parseCondition(src);
  if (c) touchCondition(c, ph);
  return c;
}

function checkSize(item: Item): void {
  if (itemSize(item) > MAX_ITEM_BYTES) throw DynamoError.validation('Item size has exceeded the maximum allowed size');
}

const getItem: Operation = async (b, { tables, capacity }) => {
  noLegacy(b);
  const t = await tables.get(str(b, 'TableName', true)!);
  const { redisKey } = tables.keyOf(t, b.Key);
  const proj = str(b, 'ProjectionExpression');
  const ph = placeholders(b, [proj]);
  const paths = proj === undefined ? undefined : parseProjection(proj);
  if (paths) for (const p of paths) project({}, [p], ph);
  if (b.ExpressionAttributeValues !== undefined) throw DynamoError.validation('ExpressionAttributeValues can only be specified when using expressions: ProjectionExpression uses no values');
  ph.checkAllUsed();
  const item = await capacity.serve(t.name, 1, () => tables.read(redisKey));
  if (!item) return {};
  return { Item: paths ? project(item, paths, ph) : item };
};

/**
 * PutItem and DeleteItem: one unit of capacity, the key locked, the condition evaluated on the
 * item as it is, then the item replaced by `next` (undefined deletes it); ReturnValues NONE or
 * ALL_OLD.
 */
function replaceItem(b: Body, { tables, capacity }: Pick<ApiContext, 'tables' | 'capacity'>, table: string, redisKey: string, next: Item | undefined): Promise<Body> {
  const rv = returnValues(b, ['NONE', 'ALL_OLD']);
  const ph = placeholders(b, [str(b, 'ConditionExpression')]);
  const cond = conditionOf(b, ph);
  ph.checkAllUsed();
  return capacity.serve(table, 1, () =>
    tables.locked(redisKey, async () => {
      const old = await tables.read(redisKey);
      if (cond && !evaluate(cond, old, ph)) throw DynamoError.conditionFailed();
      if (next || old) await tables.write(redisKey, next);
      return rv === 'ALL_OLD' && old ? { Attributes: old } : {};
    }),
  );
}

const putItem: Operation = async (b, { tables, capacity }) => {
  noLegacy(b);
  const t = await tables.get(str(b, 'TableName', true)!);
  if (b.Item === undefined) throw DynamoError.validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
  const item = validateItem(b.Item, 'Item');
  const redisKey = tables.keyOfItem(t, item);
  checkSize(item);
  return replaceItem(b, { tables, capacity }, t.name, redisKey, item);
};

const updateItem: Operation = async (b, { tables, capacity }) => {
  noLegacy(b);
  const t = await tables.get(str(b, 'TableName', true)!);
  const { redisKey, key } = tables.keyOf(t, b.Key);
  const rv = returnValues(b, ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
  const src = str(b, 'UpdateExpression');
  const ph = placeholders(b, [src, str(b, 'ConditionExpression')]);
  const update = src === undefined ? undefined : parseUpdate(src);
  const cond = conditionOf(b, ph);
  // What is wrong with the request itself is found before any capacity is spent.
  if (update) checkUpdate(update, ph, [t.hashKey]);
  ph.checkAllUsed();
  return capacity.serve(t.name, 1, () =>
    tables.locked(redisKey, async () => {
      const old = await tables.read(redisKey);
      if (cond && !evaluate(cond, old, ph)) throw DynamoError.conditionFailed();
      const base: Item = old ?? { ...key };
      const { item, changed } = update ? applyUpdate(update, base, ph, [t.hashKey]) : { item: base, changed: new Set<string>() };
      checkSize(item);
      await tables.write(redisKey, item);
      const pick = (from: Item | undefined) => Object.fromEntries([...changed].filter((k) => from?.[k] !== undefined).map((k) => [k, from![k]!]));
      switch (rv) {
        case 'ALL_OLD':
          return old ? { Attributes: old } : {};
        case 'ALL_NEW':
          return { Attributes: item };
        case 'UPDATED_OLD': {
          const a = pick(old);
          return Object.keys(a).length ? { Attributes: a } : {};
        }
        case 'UPDATED_NEW': {
          const a = pick(item);
          return Object.keys(a).length ? { Attributes: a } : {};
        }
        default:
          return {};
      }
    }),
  );
};

const deleteItem: Operation = async (b, { tables, capacity }) => {
  noLegacy(b);
  const t = await tables.get(str(b, 'TableName', true)!);
  const { redisKey } = tables.keyOf(t, b.Key);
  return replaceItem(b, { tables, capacity }, t.name, redisKey, undefined);
};

type WriteRequest = { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } };

const batchWriteItem: Operation = async (b, { tables, capacity }) => {
  const req = b.RequestItems;
  if (req === null || typeof req !== 'object' || Array.isArray(req)) throw DynamoError.validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
  const entries = Object.entries(req as Record<string, unknown>);
  if (entries.length === 0) throw DynamoError.validation("1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const total = entries.reduce((a, [, l]) => a + (Array.isArray(l) ? l.length : 0), 0);
  if (total > 25) throw DynamoError.validation(`Too many items requested for the BatchWriteItem call: ${total} (at most 25)`);
  const plan: { table: TableDef; writes: { redisKey: string; item: Item | undefined; request: WriteRequest }[] }[] = [];
  for (const [name, list] of entries) {
    checkTableName(name, 'requestItems');
    if (!Array.isArray(list) || list.length === 0) throw DynamoError.validation(`1 validation error detected: Value at 'requestItems.${name}.member' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    const t = await tables.get(name);
    const seen = new Set<string>();
    const writes = (list as WriteRequest[]).map((r) => {
      const kinds = [r?.PutRequest, r?.DeleteRequest].filter((x) => x !== undefined);
      if (kinds.length !== 1) throw DynamoError.validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: a write request is a PutRequest or a DeleteRequest');
      let w: { redisKey: string; item: Item | undefined };
      if (r.PutRequest) {
        const item = validateItem(r.PutRequest.Item, 'Item');
        checkSize(item);
        w = { redisKey: tables.keyOfItem(t, item), item };
      } else w = { redisKey: tables.keyOf(t, r.DeleteRequest!.Key).redisKey, item: undefined };
      if (seen.has(w.redisKey)) throw DynamoError.validation('Provided list of item keys contains duplicates');
      seen.add(w.redisKey);
      return { ...w, request: r };
    });
    plan.push({ table: t, writes });
  }
  // Capacity per table: what its queue has no room for comes back as UnprocessedItems.
  const unprocessed: Record<string, WriteRequest[]> = {};
  let processed = 0;
  await Promise.all(
    plan.map(async ({ table, writes }) => {
      const room = Math.min(writes.length, capacity.room(table.name));
      const now = writes.slice(0, room);
      if (writes.length > room) unprocessed[table.name] = writes.slice(room).map((w) => w.request);
      if (!now.length) return;
      try {
        await capacity.serve(table.name, now.length, () => tables.lockedMany(now.map((w) => w.redisKey), () => tables.writeMany(now)));
        processed += now.length;
      } catch (err) {
        if (!(err instanceof DynamoError) || err.code !== 'ProvisionedThroughputExceededException') throw err;
        unprocessed[table.name] = [...now.map((w) => w.request), ...(unprocessed[table.name] ?? [])];
      }
    }),
  );
  if (processed === 0 && Object.keys(unprocessed).length) throw DynamoError.throughput();
  return { UnprocessedItems: unprocessed };
};

type KeysAndAttributes = { Keys?: unknown[]; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ConsistentRead?: boolean; AttributesToGet?: unknown };

const batchGetItem: Operation = async (b, { tables, capacity }) => {
  const req = b.RequestItems;
  if (req === null || typeof req !== 'object' || Array.isArray(req)) throw DynamoError.validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
  const entries = Object.entries(req as Record<string, KeysAndAttributes>);
  if (entries.length === 0) throw DynamoError.validation("1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const total = entries.reduce((a, [, k]) => a + (Array.isArray(k?.Keys) ? k.Keys.length : 0), 0);
  if (total > 100) throw DynamoError.validation('Too many items requested for the BatchGetItem call');
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, KeysAndAttributes> = {};
  const plans = [];
  for (const [name, ka] of entries) {
    checkTableName(name, 'requestItems');
    if (ka?.AttributesToGet !== undefined) noLegacy({ AttributesToGet: ka.AttributesToGet });
    if (!Array.isArray(ka?.Keys) || ka.Keys.length === 0) throw DynamoError.validation(`1 validation error detected: Value at 'requestItems.${name}.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    const t = await tables.get(name);
    const keys = ka.Keys.map((k) => tables.keyOf(t, k).redisKey);
    if (new Set(keys).size !== keys.length) throw DynamoError.validation('Provided list of item keys contains duplicates');
    const ph = placeholders(ka as Body, [ka.ProjectionExpression]);
    const paths = ka.ProjectionExpression === undefined ? undefined : parseProjection(ka.ProjectionExpression);
    if (paths) for (const p of paths) project({}, [p], ph);
    ph.checkAllUsed();
    plans.push({ t, ka, keys, ph, paths });
  }
  let served = 0;
  await Promise.all(
    plans.map(async ({ t, ka, keys, ph, paths }) => {
      const room = Math.min(keys.length, capacity.room(t.name));
      if (keys.length > room) unprocessed[t.name] = { ...ka, Keys: ka.Keys!.slice(room) };
      if (!room) return;
      try {
        const items = await capacity.serve(t.name, room, () => tables.readMany(keys.slice(0, room)));
        served += room;
        responses[t.name] = items.filter((i): i is Item => i !== undefined).map((i) => (paths ? project(i, paths, ph) : i));
      } catch (err) {
        if (!(err instanceof DynamoError) || err.code !== 'ProvisionedThroughputExceededException') throw err;
        unprocessed[t.name] = ka;
      }
    }),
  );
  if (served === 0 && Object.keys(unprocessed).length) throw DynamoError.throughput();
  for (const { t } of plans) responses[t.name] ??= [];
  return { Responses: responses, UnprocessedKeys: unprocessed };
};

async function describe(t: TableDef, ctx: ApiContext, status = 'ACTIVE'): Promise<Body> {
  return {
    TableName: t.name,
    TableStatus: status,
    TableArn: `arn:aws:dynamodb:${ctx.region}:000000000000:table/${t.name}`,
    KeySchema: [{ AttributeName: t.hashKey, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: t.hashKey, AttributeType: t.hashType }],
    CreationDateTime: t.createdAt,
    ItemCount: await ctx.tables.count(t.name),
    TableSizeBytes: 0,
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
  };
}

const createTable: Operation = async (b, ctx) => {
  const name = checkTableName(str(b, 'TableName', true));
  const ks = b.KeySchema as { AttributeName?: string; KeyType?: string }[] | undefined;
  const defs = b.AttributeDefinitions as { AttributeName?: string; AttributeType?: string }[] | undefined;
  if (!Array.isArray(ks) || ks.length === 0) throw DynamoError.validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null");
  if (!Array.isArray(defs) || defs.length === 0) throw DynamoError.validation("1 validation error detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null");
  const hash = ks.filter((k) => k.KeyType === 'HASH');
  if (hash.length !== 1 || ks.some((k) => k.KeyType !== 'HASH' && k.KeyType !== 'RANGE')) throw DynamoError.validation('1 validation error detected: Invalid KeySchema: Some index key schema element is not valid');
  if (ks.some((k) => k.KeyType === 'RANGE')) throw DynamoError.validation('This stand-in supports tables with a HASH key only (a deliberate difference: the lab uses no sort keys)');
  const def = defs.find((d) => d.AttributeName === hash[0]!.AttributeName);
  if (!def) throw DynamoError.validation('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [' + hash[0]!.AttributeName + '], AttributeDefinitions: [' + defs.map((d) => d.AttributeName).join(', ') + ']');
  if (defs.length !== 1) throw DynamoError.validation('One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  if (!['S', 'N', 'B'].includes(def.AttributeType ?? '')) throw DynamoError.validation(`1 validation error detected: Value '${def.AttributeType}' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]`);
  const t = await ctx.tables.create({ name, hashKey: hash[0]!.AttributeName!, hashType: def.AttributeType as 'S' });
  return { TableDescription: await describe(t, ctx) };
};

const describeTable: Operation = async (b, ctx) => ({ Table: await describe(await ctx.tables.get(str(b, 'TableName', true)!), ctx) });
const deleteTable: Operation = async (b, ctx) => {
  const t = await ctx.tables.drop(str(b, 'TableName', true)!);
  return { TableDescription: { ...(await describe(t, ctx, 'DELETING')), ItemCount: 0 } };
};
const listTables: Operation = async (_b, ctx) => ({ TableNames: await ctx.tables.list() });

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  GetItem: getItem,
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  BatchWriteItem: batchWriteItem,
  BatchGetItem: batchGetItem,
  CreateTable: createTable,
  DescribeTable: describeTable,
  DeleteTable: deleteTable,
  ListTables: listTables,
};

/** Operations that read or write items (and so go through the capacity model); the rest are the control plane. */
export const DATA_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'BatchGetItem']);
