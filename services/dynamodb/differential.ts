/**
 * The DynamoDB stand-in against another implementation of the protocol (moto in server mode):
 * random sequences of operations — with conditions, update expressions, projections, batches
 * and bad requests — sent through the same AWS SDK client to both, every answer compared (an
 * item, its attributes, or the error's name), and a difference shrunk to a short sequence.
 *
 * A sequence runs on a table of its own worker, emptied first (its keys deleted), so sequences
 * never see each other's items. The generator draws only from what both serve; what the stand-in
 * deliberately does not (legacy parameters, sort keys, capacity and throttling) is not drawn.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Random } from '../../core/random.ts';

type Av = AttributeValue;
type Item = Record<string, Av>;

export type DiffOp =
  | { readonly op: 'PutItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'GetItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'UpdateItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'DeleteItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'BatchWriteItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'BatchGetItem'; readonly input: Record<string, unknown> };

/** The keys a sequence uses (few, so operations meet each other's items). */
export const DIFF_KEYS = ['k0', 'k1', 'k2', 'k3'];
/** The table placeholder in generated inputs, replaced by the worker's table when sent. */
export const TABLE = '$TABLE';

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Random, p: number) => r() < p;
const N = (v: number | string): Av => ({ N: String(v) });
const S = (v: string): Av => ({ S: v });

function randomValue(r: Random, attr: string): Av {
  switch (attr) {
    case 'n':
      return N(pick(r, [-3, 0, 1, 2, 5, 10, 1.5]));
    case 's':
      return S(pick(r, ['a', 'ab', 'b', 'abc', 'z']));
    case 'b':
      return { BOOL: chance(r, 0.5) };
    case 'ss':
      return { SS: pick(r, [['x'], ['x', 'y'], ['y', 'z'], ['x', 'y', 'z']]) };
    case 'ns':
      return { NS: pick(r, [['1'], ['1', '2'], ['3']]) };
    case 'l':
      return { L: pick(r, [[N(1)], [S('a'), N(2)], [], [N(1), N(2), N(3)]]) };
    case 'm':
      return { M: pick<Item>(r, [{ a: N(1) }, { a: N(2), b: S('x') }, { b: S('y') }, {}]) };
    default:
      return { NULL: true };
  }
}

const ATTRS = ['n', 's', 'b', 'ss', 'ns', 'l', 'm', 'nul'];

function randomItem(r: Random, key: string): Item {
  const item: Item = { pk: S(key) };
  for (const a of ATTRS) if (chance(r, 0.45)) item[a] = randomValue(r, a);
  return item;
}

/** An expression with the placeholders it uses. */
interface Expr {
  readonly text: string;
  readonly values: Record<string, Av>;
  readonly names: Record<string, string>;
}

class Placeholders {
  values: Record<string, Av> = {};
  names: Record<string, string> = {};
  private n = 0;
  value(v: Av): string {
    const k = `:v${this.n++}`;
    this.values[k] = v;
    return k;
  }
  name(n: string): string {
    const k = `#n${this.n++}`;
    this.names[k] = n;
    return k;
  }
}

/**
 * A comparison whose operands have the same type (moto fails with a 500 comparing a number with a
 * string, which DynamoDB evaluates to false); l[0] holds either, so only = and <> on it.
 * (size() is not drawn: moto fails with a 500 on size() of an attribute the item lacks.)
 */
function comparison(r: Random, ph: Placeholders): string {
  const ORDER = ['=', '<>', '<', '<=', '>', '>='];
  const num = () => ph.value(N(pick(r, [0, 1, 2, 3])));
  const str = () => ph.value(S(pick(r, ['a', 'ab', 'b'])));
  return pick<() => string>(r, [
    () => `n ${pick(r, ORDER)} ${num()}`,
    () => `${ph.name('n')} ${pick(r, ORDER)} ${num()}`,
    () => `s ${pick(r, ORDER)} ${str()}`,
    () => `m.a ${pick(r, ORDER)} ${num()}`,
    () => `l[0] ${pick(r, ['=', '<>'])} ${chance(r, 0.5) ? num() : str()}`,
  ])();
}

function condition(r: Random, ph: Placeholders, depth = 0): string {
  const leaf = () =>
    pick(r, [
      () => `attribute_exists(${pick(r, ATTRS)})`,
      () => `attribute_not_exists(${pick(r, ['pk', ...ATTRS])})`,
      () => comparison(r, ph),
      () => `n BETWEEN ${ph.value(N(pick(r, [-5, 0, 1])))} AND ${ph.value(N(pick(r, [1, 2, 10])))}`,
      () => `s IN (${ph.value(S('a'))}, ${ph.value(S(pick(r, ['ab', 'b'])))})`,
      () => `begins_with(s, ${ph.value(S(pick(r, ['a', 'ab', 'b'])))})`,
      // The operand's type matches the attribute's (moto refuses a mismatch that DynamoDB evaluates to false).
      () => pick(r, [() => `contains(ss, ${ph.value(S(pick(r, ['x', 'q'])))})`, () => `contains(s, ${ph.value(S(pick(r, ['a', 'b'])))})`, () => `contains(ns, ${ph.value(N(pick(r, [1, 2])))})`, () => `contains(l, ${ph.value(pick(r, [S('a'), N(1)]))})`])(),
      () => `attribute_type(${pick(r, ATTRS)}, ${ph.value(S(pick(r, ['N', 'S', 'SS', 'L', 'M', 'BOOL', 'NULL', 'NS'])))})`,
    ])();
  if (depth >= 2 || chance(r, 0.6)) return leaf();
  // NOT of a leaf or of a group, never NOT NOT (moto fails on it with a 500).
  return pick(r, [
    () => `${condition(r, ph, depth + 1)} AND ${condition(r, ph, depth + 1)}`,
    () => `${condition(r, ph, depth + 1)} OR ${condition(r, ph, depth + 1)}`,
    () => `NOT ${leaf()}`,
    () => `NOT (${condition(r, ph, depth + 1)} ${pick(r, ['AND', 'OR'])} ${leaf()})`,
    () => `(${condition(r, ph, depth + 1)} ${pick(r, ['AND', 'OR'])} ${leaf()})`,
  ])();
}

function updateExpression(r: Random, ph: Placeholders): string {
  // Each SET action with the attribute it writes: two actions in one expression write different ones.
  const actions: [string, () => string][] = [
    ['n', () => `n = ${ph.value(N(pick(r, [0, 1, 7])))}`],
    ['n', () => `n = n + ${ph.value(N(1))}`],
    ['n', () => `n = if_not_exists(n, ${ph.value(N(0))}) + ${ph.value(N(2))}`],
    ['n', () => `n = n - ${ph.value(N(1))}`],
    ['l', () => `l = list_append(if_not_exists(l, ${ph.value({ L: [] })}), ${ph.value({ L: [N(9)] })})`],
    ['l', () => `l = list_append(${ph.value({ L: [S('first')] })}, if_not_exists(l, ${ph.value({ L: [] })}))`],
    ['m', () => `m.a = ${ph.value(N(4))}`],
    ['s', () => `${ph.name('s')} = ${ph.value(S('set'))}`],
    ['b', () => `b = ${ph.value({ BOOL: true })}`],
    ['m', () => `m = ${ph.value({ M: { a: N(1) } })}`],
    ['l', () => `l[0] = ${ph.value(S('zero'))}`],
  ];
  // One in five expressions has no SET at all (decided first: a value drawn for it and not used
  // would be refused as unused).
  const withSet = !chance(r, 0.2);
  const [firstAttr, first] = pick(r, actions);
  const used = new Set<string>(withSet ? [firstAttr] : []);
  const sets = withSet ? [first()] : [];
  const second = actions.filter(([a]) => a !== firstAttr);
  if (withSet && chance(r, 0.3)) {
    const [a, f] = pick(r, second);
    used.add(a);
    sets.push(f());
  }
  // REMOVE, ADD and DELETE on attributes no other action touches: an overlap is refused by
  // DynamoDB before the condition is looked at, by moto after (bad requests draw it alone).
  const clauses = sets.length ? [`SET ${sets.join(', ')}`] : [];
  const removable = [['nul', 'nul'], ['ns', 'ns'], ['l', 'l[1]'], ['m', 'm.b'], ['b', 'b']].filter(([a]) => !used.has(a!));
  if (removable.length && chance(r, 0.3)) {
    const [a, path] = pick(r, removable);
    used.add(a!);
    clauses.push(`REMOVE ${path}`);
  }
  if (!used.has('ns') && chance(r, 0.25)) clauses.push(`ADD ns ${ph.value({ NS: ['7'] })}`);
  if (chance(r, 0.2) || !clauses.length) clauses.push(`DELETE ss ${ph.value({ SS: ['x'] })}`);
  return clauses.join(' ');
}

const RETURN_PUT = ['NONE', 'ALL_OLD'];
// UPDATED_OLD / UPDATED_NEW are not drawn: moto computes them as a diff of the item's values (a
// new item's key counts as updated, a SET to the same value does not), DynamoDB returns what the
// expression updated.
const RETURN_UPDATE = ['NONE', 'ALL_OLD', 'ALL_NEW'];

function withPlaceholders(input: Record<string, unknown>, ph: Placeholders): Record<string, unknown> {
  return {
    ...input,
    ...(Object.keys(ph.values).length ? { ExpressionAttributeValues: ph.values } : {}),
    ...(Object.keys(ph.names).length ? { ExpressionAttributeNames: ph.names } : {}),
  };
}

const key = (k: string): Item => ({ pk: S(k) });

/** One well-formed operation (which may still fail: a condition, a missing path). */
function goodOp(r: Random): DiffOp {
  const k = pick(r, DIFF_KEYS);
  const ph = new Placeholders();
  const cond = chance(r, 0.4) ? { ConditionExpression: condition(r, ph) } : {};
  switch (pick(r, ['put', 'put', 'get', 'update', 'update', 'update', 'delete', 'bw', 'bg'])) {
    case 'put':
      return { op: 'PutItem', input: withPlaceholders({ TableName: TABLE, Item: randomItem(r, k), ...cond, ReturnValues: pick(r, RETURN_PUT) }, ph) };
    case 'get': {
      const proj = chance(r, 0.4) ? { ProjectionExpression: pick(r, [() => 'n, s', () => 'm.a, l[0]', () => `${ph.name('ss')}, pk`, () => 'l[1], m'])() } : {};
      return { op: 'GetItem', input: withPlaceholders({ TableName: TABLE, Key: key(k), ConsistentRead: true, ...proj }, ph) };
    }
    case 'update': {
      const ue = updateExpression(r, ph);
      return { op: 'UpdateItem', input: withPlaceholders({ TableName: TABLE, Key: key(k), UpdateExpression: ue, ...(chance(r, 0.4) ? { ConditionExpression: condition(r, ph) } : {}), ReturnValues: pick(r, RETURN_UPDATE) }, ph) };
    }
    case 'delete':
      return { op: 'DeleteItem', input: withPlaceholders({ TableName: TABLE, Key: key(k), ...cond, ReturnValues: pick(r, RETURN_PUT) }, ph) };
    case 'bw': {
      const keys = DIFF_KEYS.filter(() => chance(r, 0.5));
      if (!keys.length) keys.push(k);
      return { op: 'BatchWriteItem', input: { RequestItems: { [TABLE]: keys.map((x) => (chance(r, 0.7) ? { PutRequest: { Item: randomItem(r, x) } } : { DeleteRequest: { Key: key(x) } })) } } };
    }
    default: {
      const keys = DIFF_KEYS.filter(() => chance(r, 0.6));
      if (!keys.length) keys.push(k);
      return { op: 'BatchGetItem', input: { RequestItems: { [TABLE]: { Keys: keys.map(key), ConsistentRead: true } } } };
    }
  }
}

/** One request with exactly one thing wrong with it, of the kinds an application sends. */
function badOp(r: Random): DiffOp {
  const k = pick(r, DIFF_KEYS);
  return pick<() => DiffOp>(r, [
    // Update expressions that do not parse. (Condition expressions that do not parse, and
    // placeholders never used or never given, are not drawn: moto fails on the first two with a
    // 500 and takes the third, where DynamoDB answers ValidationException — protocol.test.ts
    // checks the stand-in's answers.)
    () => ({ op: 'UpdateItem', input: { TableName: TABLE, Key: key(k), UpdateExpression: pick(r, ['SET', 'SET n', 'REMOVE', 'SET n = :v,', 'ADD n']), ExpressionAttributeValues: { ':v': N(1) } } }),
    // Redundant parentheses, which DynamoDB refuses.
    () => ({ op: 'DeleteItem', input: { TableName: TABLE, Key: key(k), ConditionExpression: '((attribute_exists(n)))' } }),
    // (An undefined name, #missing, is not drawn: moto fails with a 500 where DynamoDB answers ValidationException.)
    // The key: missing, of the wrong type, with an attribute too many, or updated.
    () => ({ op: 'GetItem', input: { TableName: TABLE, Key: { other: S(k) } } }),
    // (A key of the wrong type is not drawn: moto answers as if absent, DynamoDB and the stand-in
    // refuse it as not matching the schema — protocol.test.ts checks the stand-in.)
    () => ({ op: 'DeleteItem', input: { TableName: TABLE, Key: { pk: S(k), n: N(1) } } }),
    () => ({ op: 'PutItem', input: { TableName: TABLE, Item: { n: N(1) } } }),
    () => ({ op: 'UpdateItem', input: { TableName: TABLE, Key: key(k), UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': S('other') } } }),
    // Two actions on one path.
    () => ({ op: 'UpdateItem', input: { TableName: TABLE, Key: key(k), UpdateExpression: 'SET n = :a REMOVE n', ExpressionAttributeValues: { ':a': N(1) } } }),
    // A table that does not exist.
    () => ({ op: 'GetItem', input: { TableName: 'no-such-table', Key: key(k) } }),
    // Batches: a key twice in a get, too many keys to get. (26 writes, or one key twice in a
    // write, are not drawn: moto takes them, DynamoDB and the stand-in refuse them —
    // protocol.test.ts checks the stand-in's answer.)
    () => ({ op: 'BatchGetItem', input: { RequestItems: { [TABLE]: { Keys: [key(k), key(k)] } } } }),
    () => ({ op: 'BatchGetItem', input: { RequestItems: { [TABLE]: { Keys: Array.from({ length: 101 }, (_, i) => key(`k${i}`)) } } } }),
    // A ReturnValues PutItem does not take.
    () => ({ op: 'PutItem', input: { TableName: TABLE, Item: key(k), ReturnValues: 'ALL_NEW' } }),
    // Empty sets are not values.
    () => ({ op: 'PutItem', input: { TableName: TABLE, Item: { pk: S(k), ss: { SS: [] } } } }),
  ])();
}

export function randomSequence(r: Random, length: number, badShare = 0.15): DiffOp[] {
  return Array.from({ length }, () => (chance(r, badShare) ? badOp(r) : goodOp(r)));
}

const COMMANDS = { PutItem: PutItemCommand, GetItem: GetItemCommand, UpdateItem: UpdateItemCommand, DeleteItem: DeleteItemCommand, BatchWriteItem: BatchWriteItemCommand, BatchGetItem: BatchGetItemCommand } as const;

/** Replaces the table placeholder (as a value and as a RequestItems key) with a real table. */
function onTable(input: unknown, table: string): unknown {
  if (input === TABLE) return table;
  if (Array.isArray(input)) return input.map((x) => onTable(x, table));
  if (input && typeof input === 'object') return Object.fromEntries(Object.entries(input).map(([k, v]) => [k === TABLE ? table : k, onTable(v, table)]));
  return input;
}

/** An answer in a form both implementations must agree on: set members and batch items in order, keys sorted. */
export function canonical(value: unknown, table: string): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, table));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      if (k === '$metadata' || k === 'ConsumedCapacity') continue;
      let v = o[k];
      if ((k === 'SS' || k === 'NS') && Array.isArray(v)) v = [...(v as string[])].sort();
      const name = k === table ? TABLE : k;
      // Responses of a BatchGetItem come in any order.
      if (name === TABLE && Array.isArray(v) && v.every((x) => x && typeof x === 'object' && 'pk' in (x as object))) v = [...(v as Item[])].sort((a, b) => String(a.pk?.S).localeCompare(String(b.pk?.S)));
      out[name] = canonical(v, table);
    }
    // Empty UnprocessedItems / UnprocessedKeys: the same as none; moto adds an empty
    // ItemCollectionMetrics nobody asked for (DynamoDB sends it only with ReturnItemCollectionMetrics).
    for (const k of ['UnprocessedItems', 'UnprocessedKeys', 'ItemCollectionMetrics']) if (out[k] && Object.keys(out[k] as object).length === 0) delete out[k];
    return out;
  }
  return value;
}

/** What an implementation that failed on an operation (no answer in the protocol) gives. */
export const CRASH = 'crash';

/** One operation's answer: the canonical result or `error <Name>`. */
export async function answer(client: DynamoDBClient, op: DiffOp, table: string): Promise<string> {
  const Command = COMMANDS[op.op] as unknown as new (input: unknown) => never;
  try {
    const out = await client.send(new Command(onTable(op.input, table)));
    return JSON.stringify(canonical(out, table));
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (!e.$metadata?.httpStatusCode) throw err; // not an answer of the server: the test's own failure
    // A 500 the SDK cannot even parse (an HTML page): the server failed, it did not answer.
    if (e.name === 'SyntaxError' || e.name === 'InternalFailure') return CRASH;
    return `error ${e.name}`;
  }
}

/** Deletes the sequence's keys so it starts on an empty table. */
export async function emptyTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: DIFF_KEYS.map((k) => ({ DeleteRequest: { Key: key(k) } })) } }));
}

export interface Side {
  readonly client: DynamoDBClient;
  readonly table: string;
}

export interface Compared {
  /** Operations both answered. */
  compared: number;
  /** Their answers by kind: ok, or the error's name. */
  answers?: Record<string, number>;
  /** Set when the reference (b) failed on an operation: the rest of the sequence is not compared. */
  referenceFailedAt?: number;
}

/**
 * Runs a sequence on both; the first operation whose answers differ, if any. An operation the
 * reference fails on (a 500 it cannot answer) is one it does not support: the sequence stops there.
 */
export async function compare(a: Side, b: Side, ops: readonly DiffOp[], stats?: Compared): Promise<{ index: number; a: string; b: string } | undefined> {
  await Promise.all([emptyTable(a.client, a.table), emptyTable(b.client, b.table)]);
  for (const [index, op] of ops.entries()) {
    const [x, y] = await Promise.all([answer(a.client, op, a.table), answer(b.client, op, b.table)]);
    if (y === CRASH && x !== CRASH) {
      if (stats) stats.referenceFailedAt = index;
      return undefined;
    }
    if (x !== y) return { index, a: x, b: y };
    if (stats) {
      stats.compared++;
      const kind = x.startsWith('error ') ? x.slice(6) : 'ok';
      stats.answers = { ...stats.answers, [kind]: (stats.answers?.[kind] ?? 0) + 1 };
    }
  }
  return undefined;
}

/** Drops operations while the difference remains: a short sequence that still shows it. */
export async function shrink(a: Side, b: Side, ops: readonly DiffOp[]): Promise<DiffOp[]> {
  const first = await compare(a, b, ops);
  let current = first ? ops.slice(0, first.index + 1) : [...ops];
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const candidate = [...current.slice(0, i), ...current.slice(i + 1)];
      if (candidate.length && (await compare(a, b, candidate))) {
        current = candidate;
        changed = true;
      }
    }
  }
  return current;
}
