/**
 * TransactWriteItems and TransactGetItems: up to 100 actions on distinct items, in any tables,
 * all or nothing. Every action is checked before anything is read (a bad one fails the whole
 * request with ValidationException, as DynamoDB's do); then every item is locked, read, and each
 * action's condition evaluated. If any fails the transaction is cancelled with
 * TransactionCanceledException and one CancellationReason per action, in order (`None` for the
 * ones that would have passed, `ConditionalCheckFailed` with the item when
 * ReturnValuesOnConditionCheckFailure is ALL_OLD, `ValidationError` for an update that cannot
 * apply to the item as it is); otherwise every write lands in one Redis MULTI.
 *
 * A ClientRequestToken makes a write transaction idempotent for 10 minutes, as DynamoDB's: the
 * same token and request again (an SDK retrying after a timeout) answers as the first did without
 * writing twice; the same token with another request is IdempotentParameterMismatchException; one
 * still running is TransactionInProgressException. Capacity: two units per item, as DynamoDB's
 * transactions cost twice a plain read or write.
 */
import { createHash } from 'node:crypto';
import { validateItem, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';
import { applyUpdate, checkUpdate, evaluate, parseUpdate, project, type Condition, type Path, type PlaceholderUse, type Update } from './expressions.ts';
import { checkSize, conditionOf, noLegacy, placeholders, projectionOf, str, type ApiContext, type Body, type Operation } from './request.ts';
import { keyNames, type TableDef } from './tables.ts';

const NS = 'com.amazonaws.dynamodb.v20120810';
const MAX_ACTIONS = 100;
const TOKEN_TTL_MS = 10 * 60_000;

type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

interface Action {
  readonly kind: Kind;
  readonly table: TableDef;
  readonly address: string;
  readonly key: Item;
  readonly item?: Item;
  readonly update?: Update;
  readonly condition?: Condition;
  readonly ph: PlaceholderUse;
  readonly returnOld: boolean;
}

interface Reason {
  Code: string;
  Message?: string;
  Item?: Item;
}

function actionsOf(b: Body): Record<string, unknown>[] {
  const list = b.TransactItems;
  if (!Array.isArray(list) || list.length === 0) throw DynamoError.validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null and must have length greater than or equal to 1");
  if (list.length > MAX_ACTIONS) throw DynamoError.validation(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS}`);
  return list as Record<string, unknown>[];
}

const canceled = (reasons: readonly Reason[]) =>
  new DynamoError(`${NS}#TransactionCanceledException`, `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, 400, { CancellationReasons: reasons });

/** One write action checked and resolved to its item's address, before any capacity is spent. */
async function writeAction(entry: Record<string, unknown>, { tables }: ApiContext): Promise<Action> {
  const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((k) => entry?.[k] !== undefined);
  if (kinds.length !== 1 || Object.keys(entry).length !== 1) throw DynamoError.validation('TransactItems can only contain one of Check, Put, Update or Delete');
  const kind = kinds[0]!;
  const b = entry[kind] as Body;
  noLegacy(b);
  const table = await tables.get(str(b, 'TableName', true)!);
  const rv = str(b, 'ReturnValuesOnConditionCheckFailure') ?? 'NONE';
  if (rv !== 'NONE' && rv !== 'ALL_OLD') throw DynamoError.validation(`1 validation error detected: Value '${rv}' at 'transactItems.1.member.${kind.toLowerCase()}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`);
  const updateSrc = kind === 'Update' ? str(b, 'UpdateExpression', true) : undefined;
  if (kind === 'ConditionCheck') str(b, 'ConditionExpression', true);
  const ph = placeholders(b, [updateSrc, str(b, 'ConditionExpression')]);
  const update = updateSrc === undefined ? undefined : parseUpdate(updateSrc);
  const condition = conditionOf(b, ph);
  if (update) checkUpdate(update, ph, keyNames(table));
  ph.checkAllUsed();
  let address: string;
  let key: Item;
  let item: Item | undefined;
  if (kind === 'Put') {
    if (b.Item === undefined) throw DynamoError.validation("1 validation error detected: Value null at 'transactItems.1.member.put.item' failed to satisfy constraint: Member must not be null");
    item = validateItem(b.Item, 'Item');
    checkSize(item);
    address = tables.keyOfItem(table, item);
    key = tables.keyAttributes(table, item);
  } else ({ redisKey: address, key } = tables.keyOf(table, b.Key));
  return { kind, table, address, key, ...(item ? { item } : {}), ...(update ? { update } : {}), ...(condition ? { condition } : {}), ph, returnOld: rv === 'ALL_OLD' };
}

function noDuplicates(addresses: readonly string[]): void {
  if (new Set(addresses).size !== addresses.length) throw DynamoError.validation('Transaction request cannot include multiple operations on one item');
}

/** Serves `work` through each table's capacity in turn, `units` per item the transaction touches there. */
function throughCapacity<T>(ctx: ApiContext, kind: 'read' | 'write', tables: readonly TableDef[], units: number, work: () => Promise<T>): Promise<T> {
  const costs = new Map<string, number>();
  for (const t of tables) costs.set(t.name, (costs.get(t.name) ?? 0) + units);
  return [...costs].reduceRight<() => Promise<T>>((inner, [name, cost]) => () => ctx.capacity.serve(name, kind, cost, inner), work)();
}

/** What a write action leaves (undefined deletes, `old` kept for a check), or why it cannot. */
function outcome(a: Action, old: Item | undefined): { next?: Item; keep?: true; reason: Reason } {
  if (a.condition && !evaluate(a.condition, old, a.ph)) return { reason: { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(a.returnOld && old ? { Item: old } : {}) } };
  try {
    switch (a.kind) {
      case 'ConditionCheck':
        return { keep: true, reason: { Code: 'None' } };
      case 'Put':
        return { next: a.item!, reason: { Code: 'None' } };
      case 'Delete':
        return { reason: { Code: 'None' } };
      case 'Update': {
        const { item } = applyUpdate(a.update!, old ?? { ...a.key }, a.ph, keyNames(a.table));
        checkSize(item);
        return { next: item, reason: { Code: 'None' } };
      }
    }
  } catch (err) {
    if (err instanceof DynamoError && err.code === 'ValidationException') return { reason: { Code: 'ValidationError', Message: err.message } };
    throw err;
  }
}

const inFlight = new Map<string, { fingerprint: string; at: number; answer?: Promise<Body> }>();

/** The same token and request within 10 minutes answers as the first time, without running again. */
async function idempotent(b: Body, run: () => Promise<Body>): Promise<Body> {
  const token = str(b, 'ClientRequestToken');
  if (token === undefined) return run();
  if (token.length < 1 || token.length > 36) throw DynamoError.validation(`1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36`);
  const now = Date.now();
  for (const [k, v] of inFlight) if (now - v.at > TOKEN_TTL_MS) inFlight.delete(k);
  const fingerprint = createHash('sha256').update(JSON.stringify(b.TransactItems)).digest('hex');
  const seen = inFlight.get(token);
  if (seen && seen.fingerprint !== fingerprint) throw new DynamoError(`${NS}#IdempotentParameterMismatchException`, 'Specified idempotent token was used with different request parameters within the idempotency window');
  if (seen?.answer) return seen.answer;
  if (seen) throw new DynamoError(`${NS}#TransactionInProgressException`, 'The transaction with the given request token is already in progress.');
  const entry: { fingerprint: string; at: number; answer?: Promise<Body> } = { fingerprint, at: now };
  inFlight.set(token, entry);
  try {
    const answer = await run();
    entry.answer = Promise.resolve(answer);
    return answer;
  } catch (err) {
    // A cancelled or failed transaction wrote nothing: the token may be used again.
    inFlight.delete(token);
    throw err;
  }
}

const transactWriteItems: Operation = async (b, ctx) => {
  const actions: Action[] = [];
  for (const entry of actionsOf(b)) actions.push(await writeAction(entry, ctx));
  noDuplicates(actions.map((a) => a.address));
  return idempotent(b, () =>
    throughCapacity(ctx, 'write', actions.map((a) => a.table), 2, () =>
      ctx.tables.lockedMany(actions.map((a) => a.address), async () => {
        const olds = await ctx.tables.readMany(actions.map((a) => a.address));
        const results = actions.map((a, i) => outcome(a, olds[i]));
        if (results.some((r) => r.reason.Code !== 'None')) throw canceled(results.map((r) => r.reason));
        const writes = actions.flatMap((a, i) => (results[i]!.keep ? [] : [{ redisKey: a.address, item: results[i]!.next }]));
        await ctx.tables.writeMany(writes);
        return {};
      }),
    ),
  );
};

const transactGetItems: Operation = async (b, ctx) => {
  const gets: { table: TableDef; address: string; paths?: Path[]; ph: PlaceholderUse }[] = [];
  for (const entry of actionsOf(b)) {
    if (entry?.Get === undefined || Object.keys(entry).length !== 1) throw DynamoError.validation('TransactGetItems can only contain Get actions');
    const g = entry.Get as Body;
    noLegacy(g);
    const table = await ctx.tables.get(str(g, 'TableName', true)!);
    const proj = str(g, 'ProjectionExpression');
    const ph = placeholders(g, [proj]);
    const paths = projectionOf(proj, ph);
    ph.checkAllUsed();
    gets.push({ table, address: ctx.tables.keyOf(table, g.Key).redisKey, ...(paths ? { paths } : {}), ph });
  }
  noDuplicates(gets.map((g) => g.address));
  return throughCapacity(ctx, 'read', gets.map((g) => g.table), 2, () =>
    ctx.tables.lockedMany(gets.map((g) => g.address), async () => {
      const items = await ctx.tables.readMany(gets.map((g) => g.address));
      return { Responses: items.map((item, i) => (item ? { Item: gets[i]!.paths ? project(item, gets[i]!.paths!, gets[i]!.ph) : item } : {})) };
    }),
  );
};

export const TRANSACTIONS: Readonly<Record<string, Operation>> = { TransactWriteItems: transactWriteItems, TransactGetItems: transactGetItems };
