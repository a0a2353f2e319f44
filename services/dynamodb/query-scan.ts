/**
 * Query and Scan. A Query reads one partition (KeyConditionExpression: the partition key `=`, and
 * on the sort key `=`, `<`, `<=`, `>`, `>=`, `BETWEEN` or `begins_with`), in sort-key order or
 * backwards (ScanIndexForward); a Scan reads the whole table, or one Segment of TotalSegments, in
 * an order fixed by a hash of the partition key, as DynamoDB's is. Both then apply DynamoDB's
 * page rules: Limit counts the items *evaluated* (before the FilterExpression), a page stops at
 * Limit or at 1 MB read, and a page that stopped early carries LastEvaluatedKey — even when
 * nothing is left, as DynamoDB's does (only a page without it is the last). Count is what passed
 * the filter, ScannedCount what was evaluated; Select COUNT returns no items.
 *
 * The page is read when the request arrives (a point inside the request's interval, so reads stay
 * linearisable) and answered once the capacity model has served its cost: one unit per item
 * evaluated, at least one. Reading a whole partition or table per page is the stand-in's
 * simplification: the tables a service file seeds are small.
 */
import { createHash } from 'node:crypto';
import { compare, equal, itemSize, typeOf, type AttributeValue, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';
import { evaluate, parseCondition, project, touchCondition, type Condition, type Path, type PlaceholderUse } from './expressions.ts';
import { noLegacy, placeholders, projectionOf, str, type Body, type Operation } from './request.ts';
import { keyNames, type TableDef } from './tables.ts';

const PAGE_BYTES = 1024 * 1024;

type RangeOp = '=' | '<' | '<=' | '>' | '>=' | 'between' | 'begins_with';

/** A Query's key condition: the partition, and optionally which sort keys in it. */
export interface KeyCondition {
  readonly hash: AttributeValue;
  readonly range?: { readonly op: RangeOp; readonly values: readonly AttributeValue[] };
}

const unsupported = () => DynamoError.validation('Query key condition not supported');

/** The attribute a key condition's operand names (a path of one name), or undefined. */
function attributeOf(o: { kind: string; path?: Path }, ph: PlaceholderUse): string | undefined {
  if (o.kind !== 'path' || o.path?.length !== 1) return undefined;
  const s = o.path[0]!;
  return 'name' in s ? ph.name(s.name) : undefined;
}

function valueOf(o: { kind: string; ref?: string }, ph: PlaceholderUse): AttributeValue {
  if (o.kind !== 'value') throw unsupported();
  return ph.value(o.ref!);
}

/** Checks a KeyConditionExpression against the table's key and resolves its values. */
export function keyCondition(c: Condition, t: TableDef, ph: PlaceholderUse): KeyCondition {
  const parts = c.kind === 'and' ? [c.a, c.b] : [c];
  let hash: AttributeValue | undefined;
  let range: KeyCondition['range'];
  for (const p of parts) {
    let name: string | undefined;
    let op: RangeOp;
    let values: AttributeValue[];
    if (p.kind === 'cmp' && p.op !== '<>') [name, op, values] = [attributeOf(p.a, ph), p.op, [valueOf(p.b, ph)]];
    else if (p.kind === 'between') [name, op, values] = [attributeOf(p.a, ph), 'between', [valueOf(p.lo, ph), valueOf(p.hi, ph)]];
    else if (p.kind === 'fn2' && p.fn === 'begins_with') [name, op, values] = [attributeOf(p.a, ph), 'begins_with', [valueOf(p.b, ph)]];
    else throw unsupported();
    if (name === undefined) throw unsupported();
    const type = name === t.hashKey ? t.hashType : name === t.rangeKey ? t.rangeType : undefined;
    if (type === undefined) throw DynamoError.validation(`Query condition missed key schema element: ${t.rangeKey === undefined || hash === undefined ? t.hashKey : t.rangeKey}`);
    if (values.some((v) => typeOf(v) !== type)) throw DynamoError.validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
    if (name === t.hashKey) {
      if (op !== '=' || hash !== undefined) throw unsupported();
      hash = values[0];
    } else {
      if (range !== undefined) throw unsupported();
      if (op === 'begins_with' && type === 'N') throw DynamoError.validation('Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N');
      if (op === 'between' && compare(values[0]!, values[1]!)! > 0) throw DynamoError.validation('Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound');
      range = { op, values };
    }
  }
  if (hash === undefined) throw DynamoError.validation(`Query condition missed key schema element: ${t.hashKey}`);
  return { hash, ...(range ? { range } : {}) };
}

/** Whether a sort key value is inside the key condition's range. */
export function inRange(range: KeyCondition['range'], v: AttributeValue): boolean {
  if (!range) return true;
  const [x, y] = range.values as [AttributeValue, AttributeValue];
  const c = compare(v, x)!;
  switch (range.op) {
    case '=':
      return equal(v, x);
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case 'between':
      return c >= 0 && compare(v, y)! <= 0;
    case 'begins_with': {
      if ('S' in v && 'S' in x) return v.S.startsWith(x.S);
      if ('B' in v && 'B' in x) {
        const [a, p] = [Buffer.from(v.B, 'base64'), Buffer.from(x.B, 'base64')];
        return a.subarray(0, p.length).equals(p);
      }
      return false;
    }
  }
}

interface ReadRequest {
  readonly filter?: Condition;
  readonly paths?: Path[];
  readonly count: boolean;
  readonly limit?: number;
  readonly ph: PlaceholderUse;
}

/** The parameters Query and Scan share: FilterExpression, ProjectionExpression, Select, Limit. */
function readRequest(b: Body, extraExpressions: readonly (string | undefined)[]): ReadRequest & { touch(): Set<string> } {
  noLegacy(b);
  if (b.IndexName !== undefined) throw DynamoError.validation('This stand-in has no secondary indexes (a deliberate difference): IndexName is not supported');
  const filterSrc = str(b, 'FilterExpression');
  const projSrc = str(b, 'ProjectionExpression');
  const ph = placeholders(b, [...extraExpressions, filterSrc, projSrc]);
  const filter = filterSrc === undefined ? undefined : parseCondition(filterSrc, 'FilterExpression');
  const paths = projectionOf(projSrc, ph);
  const select = str(b, 'Select') ?? (paths ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES');
  if (!['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES'].includes(select)) throw DynamoError.validation(`1 validation error detected: Value '${select}' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]`);
  if (select === 'ALL_PROJECTED_ATTRIBUTES') throw DynamoError.validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  if (paths && select !== 'SPECIFIC_ATTRIBUTES') throw DynamoError.validation(`Cannot specify the ProjectionExpression when choosing to get ${select}`);
  if (!paths && select === 'SPECIFIC_ATTRIBUTES') throw DynamoError.validation('Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  const limit = b.Limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit))) throw DynamoError.serialization('Limit: expected an integer');
  if (limit !== undefined && limit < 1) throw DynamoError.validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  for (const k of ['ScanIndexForward', 'ConsistentRead'] as const) if (b[k] !== undefined && typeof b[k] !== 'boolean') throw DynamoError.serialization(`${k}: expected a boolean`);
  return { ...(filter ? { filter } : {}), ...(paths ? { paths } : {}), count: select === 'COUNT', ...(limit === undefined ? {} : { limit }), ph, touch: () => (filter ? touchCondition(filter, ph) : new Set()) };
}

/** One page from the items after the start key, in order: DynamoDB's Limit, 1 MB and filter rules. */
export function page(t: TableDef, ordered: readonly Item[], r: ReadRequest): { body: Body; evaluated: number } {
  const items: Item[] = [];
  let evaluated = 0;
  let bytes = 0;
  let last: Item | undefined;
  for (const item of ordered) {
    if ((r.limit !== undefined && evaluated >= r.limit) || bytes >= PAGE_BYTES) break;
    evaluated++;
    bytes += itemSize(item);
    last = item;
    if (r.filter && !evaluate(r.filter, item, r.ph)) continue;
    items.push(r.paths ? project(item, r.paths, r.ph) : item);
  }
  const stoppedEarly = (r.limit !== undefined && evaluated >= r.limit) || bytes >= PAGE_BYTES;
  const body: Body = { ...(r.count ? {} : { Items: items }), Count: items.length, ScannedCount: evaluated };
  if (stoppedEarly && last) body.LastEvaluatedKey = Object.fromEntries(keyNames(t).map((n) => [n, last[n]!]));
  return { body, evaluated };
}

const query: Operation = async (b, { tables, capacity }) => {
  const t = await tables.get(str(b, 'TableName', true)!);
  const kce = str(b, 'KeyConditionExpression');
  if (kce === undefined) throw DynamoError.validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  const r = readRequest(b, [kce]);
  const kc = keyCondition(parseCondition(kce, 'KeyConditionExpression'), t, r.ph);
  const keysInFilter = [...r.touch()].filter((n) => keyNames(t).includes(n));
  if (keysInFilter.length) throw DynamoError.validation(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${keysInFilter[0]}`);
  r.ph.checkAllUsed();
  const forward = b.ScanIndexForward !== false;
  const start = b.ExclusiveStartKey === undefined ? undefined : tables.keyOf(t, b.ExclusiveStartKey, 'ExclusiveStartKey').key;
  if (start && !equal(start[t.hashKey]!, kc.hash)) throw DynamoError.validation('The provided starting key is outside query boundaries based on provided conditions');
  let candidates: Item[];
  if (t.rangeKey === undefined) {
    const item = await tables.read(tables.keyOfItem(t, { [t.hashKey]: kc.hash }));
    candidates = item && !start ? [item] : [];
  } else {
    const rk = t.rangeKey;
    const order = (a: Item, c: Item) => compare(a[rk]!, c[rk]!)! * (forward ? 1 : -1);
    candidates = (await tables.partition(t, kc.hash))
      .map((x) => x.item)
      .filter((i) => inRange(kc.range, i[rk]!) && (!start || order(i, start) > 0))
      .sort(order);
  }
  const { body, evaluated } = page(t, candidates, r);
  return capacity.serve(t.name, 'read', Math.max(1, evaluated), async () => body);
};

/** Where an item sits in a Scan's order: a 32-bit hash of its partition key, then the key itself. */
function scanPosition(t: TableDef, item: Item): { hash: number; key: string } {
  const hk = JSON.stringify(item[t.hashKey]);
  return { hash: createHash('md5').update(hk).digest().readUInt32BE(0), key: hk };
}

function scanOrder(t: TableDef): (a: Item, b: Item) => number {
  return (a, b) => {
    const [x, y] = [scanPosition(t, a), scanPosition(t, b)];
    if (x.hash !== y.hash) return x.hash - y.hash;
    if (x.key !== y.key) return x.key < y.key ? -1 : 1;
    return t.rangeKey === undefined ? 0 : compare(a[t.rangeKey]!, b[t.rangeKey]!)!;
  };
}

/** Segment and TotalSegments, both or neither; a segment is a slice of the partition hash space. */
function segmentOf(b: Body): { segment: number; total: number } | undefined {
  const [segment, total] = [b.Segment, b.TotalSegments];
  if (segment === undefined && total === undefined) return undefined;
  if (total === undefined) throw DynamoError.validation('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  if (segment === undefined) throw DynamoError.validation('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  if (typeof segment !== 'number' || typeof total !== 'number' || !Number.isInteger(segment) || !Number.isInteger(total)) throw DynamoError.serialization('Segment and TotalSegments: expected integers');
  if (total < 1 || total > 1_000_000) throw DynamoError.validation(`1 validation error detected: Value '${total}' at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000`);
  if (segment < 0) throw DynamoError.validation(`1 validation error detected: Value '${segment}' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  if (segment >= total) throw DynamoError.validation(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`);
  return { segment, total };
}

const scan: Operation = async (b, { tables, capacity }) => {
  const t = await tables.get(str(b, 'TableName', true)!);
  const r = readRequest(b, []);
  r.touch();
  r.ph.checkAllUsed();
  const seg = segmentOf(b);
  const start = b.ExclusiveStartKey === undefined ? undefined : tables.keyOf(t, b.ExclusiveStartKey, 'ExclusiveStartKey').key;
  const order = scanOrder(t);
  const inSegment = (i: Item) => !seg || Math.floor((scanPosition(t, i).hash * seg.total) / 2 ** 32) === seg.segment;
  const candidates = (await tables.all(t))
    .map((x) => x.item)
    .filter((i) => inSegment(i) && (!start || order(i, start) > 0))
    .sort(order);
  const { body, evaluated } = page(t, candidates, r);
  return capacity.serve(t.name, 'read', Math.max(1, evaluated), async () => body);
};

export const QUERY_SCAN: Readonly<Record<string, Operation>> = { Query: query, Scan: scan };
