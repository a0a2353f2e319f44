/**
 * The DynamoDB stand-in against another implementation of the protocol (moto in server mode):
 * random sequences of operations — with conditions, update expressions, projections, batches,
 * queries and scans paged to their end, transactions, and bad requests — on tables with a
 * partition key only and with composite keys (a string and a number sort key), sent through the
 * same AWS SDK client to both, every answer compared (an item, its attributes, the pages, or the
 * error's name and a transaction's cancellation reasons), and a difference shrunk to a short
 * sequence.
 *
 * A sequence runs on its worker's three tables, emptied first (their keys deleted), so sequences
 * never see each other's items. The generator draws only from what both serve; what the stand-in
 * deliberately does not (legacy parameters, indexes, capacity and throttling) is not drawn. Where
 * both follow DynamoDB but the order is unspecified the answer is compared as a set: a Scan's
 * items over all its pages and segments. Where moto and DynamoDB differ the stand-in follows
 * DynamoDB and the comparison leaves the difference out: a page that reached its Limit carries
 * LastEvaluatedKey in DynamoDB even when nothing is left (moto looks ahead), so pages are compared
 * without the key and an empty last page is dropped.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, TransactGetItemsCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Random } from '../../core/random.ts';

type Av = AttributeValue;
type Item = Record<string, Av>;

export type DiffOp =
  | { readonly op: 'PutItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'GetItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'UpdateItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'DeleteItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'BatchWriteItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'BatchGetItem'; readonly input: Record<string, unknown> }
  | { readonly op: 'Query'; readonly input: Record<string, unknown> }
  | { readonly op: 'Scan'; readonly input: Record<string, unknown> }
  | { readonly op: 'TransactWriteItems'; readonly input: Record<string, unknown> }
  | { readonly op: 'TransactGetItems'; readonly input: Record<string, unknown> };

/** The keys a sequence uses (few, so operations meet each other's items). */
export const DIFF_KEYS = ['k0', 'k1', 'k2', 'k3'];
/** The table placeholder in generated inputs, replaced by the worker's table when sent. */
export const TABLE = '$TABLE';

/**
 * A worker's three tables: its name plus a suffix, each with its key schema. The composite ones
 * have few partitions and sort keys chosen to tell orders apart ('10' < '2' as strings, 2 < 10 as
 * numbers, '-1' and '2.5').
 */
export const DIFF_TABLES = {
  plain: { suffix: '', key: [{ name: 'pk', type: 'S' }] },
  strings: { suffix: '-c', key: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }] },
  numbers: { suffix: '-n', key: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'N' }] },
} as const;
type TableKind = keyof typeof DIFF_TABLES;
const KINDS = Object.keys(DIFF_TABLES) as TableKind[];
const PARTITIONS = ['p0', 'p1'];
const SORT_KEYS: Record<Exclude<TableKind, 'plain'>, readonly Av[]> = {
  strings: ['1', '10', '2', 'a', 'ab', 'b'].map((v) => ({ S: v })),
  numbers: ['-1', '0', '2', '10', '2.5'].map((v) => ({ N: v })),
};
const tableOf = (kind: TableKind) => TABLE + DIFF_TABLES[kind].suffix;

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

/** A key of the table: a partition key, and a sort key where it has one. */
function randomKey(r: Random, kind: TableKind): Item {
  if (kind === 'plain') return { pk: S(pick(r, DIFF_KEYS)) };
  return { pk: S(pick(r, PARTITIONS)), sk: pick(r, SORT_KEYS[kind]) };
}

/** Every key a sequence can write in the table (to empty it). */
function allKeys(kind: TableKind): Item[] {
  if (kind === 'plain') return DIFF_KEYS.map((k) => ({ pk: S(k) }));
  return PARTITIONS.flatMap((p) => SORT_KEYS[kind].map((sk) => ({ pk: S(p), sk })));
}

function randomItem(r: Random, key: Item): Item {
  const item: Item = { ...key };
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

/** A condition; `onKey` false keeps it off the key attributes (a Query's filter may not read them). */
function condition(r: Random, ph: Placeholders, depth = 0, onKey = true): string {
  const leaf = () =>
    pick(r, [
      () => `attribute_exists(${pick(r, ATTRS)})`,
      () => `attribute_not_exists(${pick(r, onKey ? ['pk', ...ATTRS] : ATTRS)})`,
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
    () => `${condition(r, ph, depth + 1, onKey)} AND ${condition(r, ph, depth + 1, onKey)}`,
    () => `${condition(r, ph, depth + 1, onKey)} OR ${condition(r, ph, depth + 1, onKey)}`,
    () => `NOT ${leaf()}`,
    () => `NOT (${condition(r, ph, depth + 1, onKey)} ${pick(r, ['AND', 'OR'])} ${leaf()})`,
    () => `(${condition(r, ph, depth + 1, onKey)} ${pick(r, ['AND', 'OR'])} ${leaf()})`,
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

/** A sort key condition on the table's sort key, for a Query. */
function sortCondition(r: Random, ph: Placeholders, kind: 'strings' | 'numbers'): string {
  const sk = chance(r, 0.3) ? ph.name('sk') : 'sk';
  const v = () => ph.value(pick(r, SORT_KEYS[kind]));
  return pick<() => string>(r, [
    () => `${sk} ${pick(r, ['=', '<', '<=', '>', '>='])} ${v()}`,
    () => {
      const [lo, hi] = [pick(r, SORT_KEYS[kind]), pick(r, SORT_KEYS[kind])].sort((a, b) => (kind === 'numbers' ? Number(a.N) - Number(b.N) : a.S! < b.S! ? -1 : a.S! > b.S! ? 1 : 0));
      return `${sk} BETWEEN ${ph.value(lo!)} AND ${ph.value(hi!)}`;
    },
    () => (kind === 'strings' ? `begins_with(${sk}, ${ph.value(S(pick(r, ['1', 'a', 'ab', 'b'])))})` : `${sk} >= ${v()}`),
  ])();
}

/** What Query and Scan share: a filter, Limit, a projection or Select COUNT. */
function readOptions(r: Random, ph: Placeholders, filterOnKey: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ConsistentRead: true };
  if (chance(r, 0.35)) out.FilterExpression = condition(r, ph, 0, filterOnKey);
  if (chance(r, 0.5)) out.Limit = 1 + Math.floor(r() * 4);
  if (chance(r, 0.2)) out.ProjectionExpression = pick(r, [() => 'n, s', () => 'sk, m.a', () => `${ph.name('ss')}, pk`, () => 'l[0], pk'])();
  else if (chance(r, 0.1)) out.Select = 'COUNT';
  return out;
}

function queryOp(r: Random, kind: TableKind): DiffOp {
  const ph = new Placeholders();
  let kce = `${chance(r, 0.3) ? ph.name('pk') : 'pk'} = ${ph.value(S(pick(r, kind === 'plain' ? DIFF_KEYS : PARTITIONS)))}`;
  if (kind !== 'plain' && chance(r, 0.7)) {
    const rc = sortCondition(r, ph, kind);
    // The sort key's condition first only when it is not a BETWEEN: moto fails (500) on
    // `sk BETWEEN :a AND :b AND pk = :p`, which DynamoDB and the stand-in serve.
    kce = chance(r, 0.8) || rc.includes(' BETWEEN ') ? `${kce} AND ${rc}` : `${rc} AND ${kce}`;
  }
  const forward = chance(r, 0.4) ? { ScanIndexForward: chance(r, 0.3) } : {};
  return { op: 'Query', input: withPlaceholders({ TableName: tableOf(kind), KeyConditionExpression: kce, ...readOptions(r, ph, false), ...forward }, ph) };
}

function scanOp(r: Random, kind: TableKind): DiffOp {
  const ph = new Placeholders();
  // TotalSegments: the answer scans every segment (see `answer`).
  const segments = chance(r, 0.3) ? { TotalSegments: pick(r, [1, 2, 3]) } : {};
  return { op: 'Scan', input: withPlaceholders({ TableName: tableOf(kind), ...readOptions(r, ph, true), ...segments }, ph) };
}

/** One to four items of any of the tables, no item twice (a transaction's). */
function distinctItems(r: Random): { kind: TableKind; key: Item }[] {
  const out = new Map<string, { kind: TableKind; key: Item }>();
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const kind = pick(r, KINDS);
    const key = randomKey(r, kind);
    out.set(kind + JSON.stringify(key), { kind, key });
  }
  return [...out.values()];
}

/**
 * A transaction's write actions, on distinct items of any of the tables. Its updates are ones that
 * cannot fail on the item as it is: a failing one is a cancellation reason (ValidationError) in
 * DynamoDB and the stand-in, a ValidationException of the whole request in moto.
 */
function transactWriteOp(r: Random): DiffOp {
  const actions: Record<string, unknown>[] = [];
  for (const { kind, key: k } of distinctItems(r)) {
    const ph = new Placeholders();
    const c = chance(r, 0.5) ? { ConditionExpression: condition(r, ph) } : {};
    const rv = chance(r, 0.3) ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {};
    const TableName = tableOf(kind);
    const action = pick<() => Record<string, unknown>>(r, [
      () => ({ Put: withPlaceholders({ TableName, Item: randomItem(r, k), ...c, ...rv }, ph) }),
      () => {
        const ue = pick<() => string>(r, [() => `SET n = if_not_exists(n, ${ph.value(N(0))}) + ${ph.value(N(2))}`, () => `SET s = ${ph.value(S('t'))}`, () => `SET m = ${ph.value({ M: { a: N(3) } })}`, () => `ADD ns ${ph.value({ NS: ['8'] })}`, () => 'REMOVE nul'])();
        return { Update: withPlaceholders({ TableName, Key: k, UpdateExpression: ue, ...c, ...rv }, ph) };
      },
      () => ({ Delete: withPlaceholders({ TableName, Key: k, ...c, ...rv }, ph) }),
      () => ({ ConditionCheck: withPlaceholders({ TableName, Key: k, ConditionExpression: c.ConditionExpression ?? condition(r, ph), ...rv }, ph) }),
    ])();
    actions.push(action);
  }
  return { op: 'TransactWriteItems', input: { TransactItems: actions } };
}

function transactGetOp(r: Random): DiffOp {
  // (No ProjectionExpression: moto returns the whole item regardless.)
  const gets = distinctItems(r).map(({ kind, key }) => ({ Get: { TableName: tableOf(kind), Key: key } }));
  return { op: 'TransactGetItems', input: { TransactItems: gets } };
}

/** One well-formed operation (which may still fail: a condition, a missing path). */
function goodOp(r: Random): DiffOp {
  const kind = pick(r, KINDS);
  const TableName = tableOf(kind);
  const k = randomKey(r, kind);
  const ph = new Placeholders();
  const cond = chance(r, 0.4) ? { ConditionExpression: condition(r, ph) } : {};
  switch (pick(r, ['put', 'put', 'get', 'update', 'update', 'update', 'delete', 'bw', 'bg', 'query', 'query', 'scan', 'tw', 'tw', 'tg'])) {
    case 'put':
      return { op: 'PutItem', input: withPlaceholders({ TableName, Item: randomItem(r, k), ...cond, ReturnValues: pick(r, RETURN_PUT) }, ph) };
    case 'get': {
      const proj = chance(r, 0.4) ? { ProjectionExpression: pick(r, [() => 'n, s', () => 'm.a, l[0]', () => `${ph.name('ss')}, pk`, () => 'l[1], m'])() } : {};
      return { op: 'GetItem', input: withPlaceholders({ TableName, Key: k, ConsistentRead: true, ...proj }, ph) };
    }
    case 'update': {
      const ue = updateExpression(r, ph);
      return { op: 'UpdateItem', input: withPlaceholders({ TableName, Key: k, UpdateExpression: ue, ...(chance(r, 0.4) ? { ConditionExpression: condition(r, ph) } : {}), ReturnValues: pick(r, RETURN_UPDATE) }, ph) };
    }
    case 'delete':
      return { op: 'DeleteItem', input: withPlaceholders({ TableName, Key: k, ...cond, ReturnValues: pick(r, RETURN_PUT) }, ph) };
    case 'bw': {
      const keys = allKeys(kind).filter(() => chance(r, kind === 'plain' ? 0.5 : 0.25));
      if (!keys.length) keys.push(k);
      return { op: 'BatchWriteItem', input: { RequestItems: { [TableName]: keys.map((x) => (chance(r, 0.7) ? { PutRequest: { Item: randomItem(r, x) } } : { DeleteRequest: { Key: x } })) } } };
    }
    case 'bg': {
      const keys = allKeys(kind).filter(() => chance(r, kind === 'plain' ? 0.6 : 0.3));
      if (!keys.length) keys.push(k);
      return { op: 'BatchGetItem', input: { RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } } };
    }
    case 'query':
      return queryOp(r, chance(r, 0.15) ? 'plain' : pick(r, ['strings', 'numbers']));
    case 'scan':
      return scanOp(r, kind);
    case 'tw':
      return transactWriteOp(r);
    default:
      return transactGetOp(r);
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
    // A reserved word named bare (`total`): DynamoDB refuses it in every expression, moto in updates.
    () => ({ op: 'UpdateItem', input: { TableName: TABLE, Key: key(k), UpdateExpression: 'SET total = :v', ExpressionAttributeValues: { ':v': N(1) } } }),
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
    // Composite keys: the sort key missing from a key or an item.
    () => ({ op: 'GetItem', input: { TableName: tableOf('strings'), Key: { pk: S('p0') } } }),
    () => ({ op: 'PutItem', input: { TableName: tableOf('numbers'), Item: { pk: S('p0'), n: N(1) } } }),
    // Queries: no partition key condition, a condition on an attribute that is not a key, a
    // table that does not exist.
    () => ({ op: 'Query', input: { TableName: tableOf('strings'), KeyConditionExpression: 'sk = :v', ExpressionAttributeValues: { ':v': S('a') } } }),
    () => ({ op: 'Query', input: { TableName: tableOf('strings'), KeyConditionExpression: 'pk = :p AND n = :v', ExpressionAttributeValues: { ':p': S('p0'), ':v': N(1) } } }),
    () => ({ op: 'Query', input: { TableName: 'no-such-table', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p0') } } }),
    // Scans: a Segment without TotalSegments, a Segment past the last.
    () => ({ op: 'Scan', input: { TableName: tableOf(pick(r, KINDS)), Segment: 0 } }),
    () => ({ op: 'Scan', input: { TableName: tableOf(pick(r, KINDS)), Segment: 2, TotalSegments: 2 } }),
    // A transaction with one item twice.
    () => ({ op: 'TransactWriteItems', input: { TransactItems: [{ Put: { TableName: TABLE, Item: key(k) } }, { Delete: { TableName: TABLE, Key: key(k) } }] } }),
  ])();
}

export function randomSequence(r: Random, length: number, badShare = 0.15): DiffOp[] {
  return Array.from({ length }, () => (chance(r, badShare) ? badOp(r) : goodOp(r)));
}

const COMMANDS = {
  PutItem: PutItemCommand,
  GetItem: GetItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  BatchWriteItem: BatchWriteItemCommand,
  BatchGetItem: BatchGetItemCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
  TransactWriteItems: TransactWriteItemsCommand,
  TransactGetItems: TransactGetItemsCommand,
} as const;

const isTablePlaceholder = (x: string) => x.startsWith(TABLE);

/** Replaces the table placeholders (as values and as RequestItems keys) with the worker's tables. */
function onTable(input: unknown, table: string): unknown {
  if (typeof input === 'string' && isTablePlaceholder(input)) return table + input.slice(TABLE.length);
  if (Array.isArray(input)) return input.map((x) => onTable(x, table));
  if (input && typeof input === 'object') return Object.fromEntries(Object.entries(input).map(([k, v]) => [isTablePlaceholder(k) ? table + k.slice(TABLE.length) : k, onTable(v, table)]));
  return input;
}

/** A real table name back to its placeholder. */
const placeholderOf = (name: string, table: string) => (name.startsWith(table) ? TABLE + name.slice(table.length) : name);

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
      const name = placeholderOf(k, table);
      // Responses of a BatchGetItem come in any order.
      if (isTablePlaceholder(name) && Array.isArray(v) && v.every((x) => x && typeof x === 'object' && 'pk' in (x as object))) {
        const at = (i: Item) => JSON.stringify([i.pk, i.sk]);
        v = [...(v as Item[])].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
      }
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

type Page = { Items?: Item[]; Count?: number; ScannedCount?: number; LastEvaluatedKey?: Item };

function send(client: DynamoDBClient, op: DiffOp['op'], input: unknown): Promise<Record<string, unknown>> {
  const Command = COMMANDS[op] as unknown as new (input: unknown) => never;
  return client.send(new Command(input)) as Promise<unknown> as Promise<Record<string, unknown>>;
}

/**
 * A Query or Scan read to its end, each Scan segment in turn: a Query's pages in order (without
 * LastEvaluatedKey, an empty last page dropped: see the header), a Scan's items as a set with
 * the counts summed.
 */
async function paged(client: DynamoDBClient, op: 'Query' | 'Scan', input: Record<string, unknown>, table: string): Promise<unknown> {
  const total = op === 'Scan' && typeof input.TotalSegments === 'number' ? input.TotalSegments : undefined;
  const runs = total === undefined ? [input] : Array.from({ length: total }, (_, Segment) => ({ ...input, Segment }));
  const pages: Page[] = [];
  for (const run of runs) {
    const mine: Page[] = [];
    let start: Item | undefined;
    for (let i = 0; i < 100; i++) {
      const out = (await send(client, op, start ? { ...run, ExclusiveStartKey: start } : run)) as Page;
      mine.push({ ...(out.Items ? { Items: out.Items } : {}), Count: out.Count ?? 0, ScannedCount: out.ScannedCount ?? 0 });
      if (!out.LastEvaluatedKey) break;
      start = out.LastEvaluatedKey;
    }
    while (mine.length > 1 && mine.at(-1)!.ScannedCount === 0) mine.pop();
    pages.push(...mine);
  }
  if (op === 'Query') return canonical(pages, table);
  const sum = (k: 'Count' | 'ScannedCount') => pages.reduce((a, p) => a + (p[k] ?? 0), 0);
  const items = pages.flatMap((p) => p.Items ?? []).map((i) => JSON.stringify(canonical(i, table)));
  return { Items: items.sort(), Count: sum('Count'), ScannedCount: sum('ScannedCount'), withItems: pages.every((p) => p.Items !== undefined) };
}

/** One operation's answer: the canonical result, or `error <Name>` (with a cancelled transaction's reasons). */
export async function answer(client: DynamoDBClient, op: DiffOp, table: string): Promise<string> {
  const input = onTable(op.input, table) as Record<string, unknown>;
  try {
    if (op.op === 'Query' || op.op === 'Scan') return JSON.stringify(await paged(client, op.op, input, table));
    return JSON.stringify(canonical(await send(client, op.op, input), table));
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; CancellationReasons?: { Code?: string; Item?: Item }[] };
    if (!e.$metadata?.httpStatusCode) throw err; // not an answer of the server: the test's own failure
    // A 500 the SDK cannot even parse (an HTML page): the server failed, it did not answer.
    if (e.name === 'SyntaxError' || e.name === 'InternalFailure') return CRASH;
    if (e.name === 'TransactionCanceledException') return `error ${e.name} ${JSON.stringify(canonical((e.CancellationReasons ?? []).map((x) => ({ Code: x.Code, ...(x.Item ? { Item: x.Item } : {}) })), table))}`;
    return `error ${e.name}`;
  }
}

/** Deletes every key a sequence can write, in each of the worker's tables, so it starts on empty tables. */
export async function emptyTable(client: DynamoDBClient, table: string): Promise<void> {
  await Promise.all(KINDS.map((kind) => client.send(new BatchWriteItemCommand({ RequestItems: { [table + DIFF_TABLES[kind].suffix]: allKeys(kind).map((Key) => ({ DeleteRequest: { Key } })) } }))));
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
      const kind = x.startsWith('error ') ? x.slice(6).split(' ')[0]! : 'ok';
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
