/**
 * DynamoDB's operations (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`) for what the lab
 * and the services it tests use: GetItem, PutItem, UpdateItem, DeleteItem (with
 * ConditionExpression), BatchWriteItem (25 requests a call, UnprocessedItems when the table's queue
 * has no room), BatchGetItem (100 keys), Query and Scan (`query-scan.ts`), TransactWriteItems and
 * TransactGetItems (`transactions.ts`), and the tables (CreateTable with a HASH key or a HASH and a
 * RANGE key, DescribeTable, DeleteTable, ListTables). Every data operation goes through the table's
 * capacity model, costing one unit per item it reads or writes (two in a transaction).
 *
 * Deliberate differences from DynamoDB: no secondary indexes; the legacy parameters (Expected,
 * AttributeUpdates, AttributesToGet, ConditionalOperator, KeyConditions, QueryFilter, ScanFilter)
 * are refused; capacity is the lab's model (workers × service time, a queue), not read/write
 * capacity units; tables are ACTIVE at once; ItemCount is exact.
 */
import { validateItem, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';
import { applyUpdate, checkUpdate, evaluate, parseUpdate, project } from './expressions.ts';
import { QUERY_SCAN } from './query-scan.ts';
import { checkSize, conditionOf, noLegacy, placeholders, projectionOf, returnValues, str, type ApiContext, type Body, type Operation } from './request.ts';
import { checkTableName, keyNames, type KeyType, type TableDef } from './tables.ts';
import { TRANSACTIONS } from './transactions.ts';

export type { ApiContext, Capacity, Operation } from './request.ts';

const getItem: Operation = async (b, { tables, capacity }) => {
  noLegacy(b);
  const t = await tables.get(str(b, 'TableName', true)!);
  const { redisKey } = tables.keyOf(t, b.Key);
  const proj = str(b, 'ProjectionExpression');
  const ph = placeholders(b, [proj]);
  const paths = projectionOf(proj, ph);
  if (b.ExpressionAttributeValues !== undefined) throw DynamoError.validation('ExpressionAttributeValues can only be specified when using expressions: ProjectionExpression uses no values');
  ph.checkAllUsed();
  const item = await capacity.serve(t.name, 'read', 1, () => tables.read(redisKey));
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
  return capacity.serve(table, 'write', 1, () =>
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
  if (update) checkUpdate(update, ph, keyNames(t));
  ph.checkAllUsed();
  return capacity.serve(t.name, 'write', 1, () =>
    tables.locked(redisKey, async () => {
      const old = await tables.read(redisKey);
      if (cond && !evaluate(cond, old, ph)) throw DynamoError.conditionFailed();
      const base: Item = old ?? { ...key };
      const { item, changed } = update ? applyUpdate(update, base, ph, keyNames(t)) : { item: base, changed: new Set<string>() };
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

/** A refusal for throughput (a full queue, an empty bucket, an on-demand maximum): a batch returns those items unprocessed. */
const isThrottled = (err: unknown) => err instanceof DynamoError && (err.code === 'ProvisionedThroughputExceededException' || err.code === 'ThrottlingException');

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
        await capacity.serve(table.name, 'write', now.length, () => tables.lockedMany(now.map((w) => w.redisKey), () => tables.writeMany(now)));
        processed += now.length;
      } catch (err) {
        if (!isThrottled(err)) throw err;
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
    const paths = projectionOf(ka.ProjectionExpression, ph);
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
        const items = await capacity.serve(t.name, 'read', room, () => tables.readMany(keys.slice(0, room)));
        served += room;
        responses[t.name] = items.filter((i): i is Item => i !== undefined).map((i) => (paths ? project(i, paths, ph) : i));
      } catch (err) {
        if (!isThrottled(err)) throw err;
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
    KeySchema: keyNames(t).map((n, i) => ({ AttributeName: n, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
    AttributeDefinitions: keyNames(t).map((n, i) => ({ AttributeName: n, AttributeType: i === 0 ? t.hashType : t.rangeType })),
    CreationDateTime: t.createdAt,
    ItemCount: await ctx.tables.count(t),
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
  if (b.GlobalSecondaryIndexes !== undefined || b.LocalSecondaryIndexes !== undefined) throw DynamoError.validation('This stand-in has no secondary indexes (a deliberate difference): create the table without GlobalSecondaryIndexes / LocalSecondaryIndexes');
  const hash = ks.filter((k) => k.KeyType === 'HASH');
  const range = ks.filter((k) => k.KeyType === 'RANGE');
  if (hash.length !== 1 || range.length > 1 || ks[0]!.KeyType !== 'HASH' || ks.length > 2 || ks.some((k) => k.KeyType !== 'HASH' && k.KeyType !== 'RANGE')) throw DynamoError.validation('1 validation error detected: Invalid KeySchema: Some index key schema element is not valid');
  const keys = ks.map((k) => k.AttributeName!);
  if (keys[0] === keys[1]) throw DynamoError.validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  const typeOfKey = (n: string): KeyType => {
    const def = defs.find((d) => d.AttributeName === n);
    if (!def) throw DynamoError.validation('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [' + keys.join(', ') + '], AttributeDefinitions: [' + defs.map((d) => d.AttributeName).join(', ') + ']');
    if (!['S', 'N', 'B'].includes(def.AttributeType ?? '')) throw DynamoError.validation(`1 validation error detected: Value '${def.AttributeType}' at 'attributeDefinitions.${defs.indexOf(def) + 1}.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]`);
    return def.AttributeType as KeyType;
  };
  const types = keys.map(typeOfKey);
  if (defs.length !== keys.length) throw DynamoError.validation('One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  const t = await ctx.tables.create({ name, hashKey: keys[0]!, hashType: types[0]!, ...(keys[1] === undefined ? {} : { rangeKey: keys[1], rangeType: types[1]! }) });
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
  ...QUERY_SCAN,
  ...TRANSACTIONS,
};

/** Operations that read or write items (and so go through the capacity model); the rest are the control plane. */
export const DATA_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'BatchGetItem', ...Object.keys(QUERY_SCAN), ...Object.keys(TRANSACTIONS)]);
