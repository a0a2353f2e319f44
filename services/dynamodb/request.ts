/**
 * What every operation of the stand-in shares: the context it runs in (tables, capacity model,
 * region) and the checks of a request's common parameters, in DynamoDB's wording — legacy
 * parameters refused, required strings, expression placeholders, ReturnValues, the item size.
 */
import { itemSize, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';
import { parseCondition, parseProjection, PlaceholderUse, project, touchCondition, type Path, type Placeholders } from './expressions.ts';
import type { Tables } from './tables.ts';

/** How the capacity model serves a data operation: `work` once a worker takes it; throws DynamoError when it will not. */
export interface Capacity {
  /** `cost` items (the queue's units), metered as `kind` capacity units on a provisioned table. */
  serve<T>(table: string, kind: 'read' | 'write', cost: number, work: () => Promise<T>): Promise<T>;
  /** Items the table's queue can take now (Infinity with no queue limit). */
  room(table: string): number;
}

export interface ApiContext {
  readonly tables: Tables;
  readonly capacity: Capacity;
  readonly region: string;
}

export type Body = Record<string, unknown>;
export type Operation = (b: Body, ctx: ApiContext) => Promise<Body>;

export const MAX_ITEM_BYTES = 400 * 1024;
const LEGACY = ['Expected', 'AttributeUpdates', 'AttributesToGet', 'ConditionalOperator', 'ScanFilter', 'QueryFilter', 'KeyConditions'];

export function noLegacy(b: Body): void {
  const used = LEGACY.filter((k) => b[k] !== undefined);
  if (used.length) throw DynamoError.validation(`${used.join(', ')}: legacy parameters are not supported by this stand-in; use expressions (ConditionExpression, UpdateExpression, ProjectionExpression)`);
}

export function str(b: Body, k: string, required = false): string | undefined {
  const v = b[k];
  if (v === undefined) {
    if (required) throw DynamoError.validation(`1 validation error detected: Value null at '${k[0]!.toLowerCase()}${k.slice(1)}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw DynamoError.serialization(`${k}: expected a string`);
  return v;
}

export function placeholders(b: Body, expressions: readonly (string | undefined)[]): PlaceholderUse {
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

export function returnValues(b: Body, allowed: readonly string[]): string {
  const r = str(b, 'ReturnValues') ?? 'NONE';
  if (!allowed.includes(r)) throw DynamoError.validation(`Return values set to invalid value`);
  return r;
}

/** Parses a request's condition (and checks placeholders) before any capacity is spent. */
export function conditionOf(b: Body, ph: PlaceholderUse) {
  const src = str(b, 'ConditionExpression');
  const c = src === undefined ? undefined : parseCondition(src);
  if (c) touchCondition(c, ph);
  return c;
}

export function checkSize(item: Item): void {
  if (itemSize(item) > MAX_ITEM_BYTES) throw DynamoError.validation('Item size has exceeded the maximum allowed size');
}


/** A request's ProjectionExpression parsed, its placeholders checked (undefined: every attribute). */
export function projectionOf(src: string | undefined, ph: PlaceholderUse): Path[] | undefined {
  const paths = src === undefined ? undefined : parseProjection(src);
  if (paths) for (const p of paths) project({}, [p], ph);
  return paths;
}
