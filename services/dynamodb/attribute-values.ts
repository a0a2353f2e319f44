/**
 * DynamoDB's AttributeValue (`{ "S": "…" }`, `{ "N": "12" }`, `{ "M": { … } }`, …): validation with
 * DynamoDB's messages, equality (sets compare as sets), ordering for the comparators (numbers by
 * value, strings and binaries by bytes), and the size DynamoDB counts against its 400 KB limit.
 */
import { DynamoError } from './errors.ts';

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type Item = Record<string, AttributeValue>;

const TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'] as const;
export type AttributeType = (typeof TYPES)[number];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const typeOf = (v: AttributeValue): AttributeType => Object.keys(v)[0] as AttributeType;

/** Throws DynamoDB's ValidationException for a malformed value (`where` names it). */
export function validateValue(v: unknown, where: string): AttributeValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw DynamoError.validation(`Supplied AttributeValue is empty, must contain exactly one of the supported datatypes (${where})`);
  const keys = Object.keys(v);
  if (keys.length !== 1 || !TYPES.includes(keys[0] as AttributeType)) {
    throw DynamoError.validation(`Supplied AttributeValue ${keys.length === 0 ? 'is empty' : 'has more than one datatypes set'}, must contain exactly one of the supported datatypes`);
  }
  const t = keys[0] as AttributeType;
  const x = (v as Record<string, unknown>)[t];
  const bad = () => DynamoError.validation(`Invalid attribute value type for ${t} (${where})`);
  switch (t) {
    case 'S':
    case 'B':
      if (typeof x !== 'string') throw bad();
      break;
    case 'N':
      if (typeof x !== 'string' || !NUMBER.test(x.trim())) throw DynamoError.validation(`The parameter cannot be converted to a numeric value: ${String(x)}`);
      break;
    case 'BOOL':
      if (typeof x !== 'boolean') throw bad();
      break;
    case 'NULL':
      if (x !== true) throw DynamoError.validation('One or more parameter values were invalid: Null attribute value types must have the value of true');
      break;
    case 'M':
      if (x === null || typeof x !== 'object' || Array.isArray(x)) throw bad();
      for (const [k, e] of Object.entries(x)) validateValue(e, `${where}.${k}`);
      break;
    case 'L':
      if (!Array.isArray(x)) throw bad();
      x.forEach((e, i) => validateValue(e, `${where}[${i}]`));
      break;
    case 'SS':
    case 'NS':
    case 'BS': {
      if (!Array.isArray(x) || x.some((e) => typeof e !== 'string')) throw bad();
      if (x.length === 0) throw DynamoError.validation('One or more parameter values were invalid: An string set  may not be empty');
      if (t === 'NS' && x.some((e) => !NUMBER.test(String(e).trim()))) throw DynamoError.validation(`The parameter cannot be converted to a numeric value`);
      const norm = t === 'NS' ? x.map((e) => String(Number(e))) : x;
      if (new Set(norm).size !== norm.length) throw DynamoError.validation(`One or more parameter values were invalid: Input collection ${JSON.stringify(x)} contains duplicates.`);
      break;
    }
  }
  return v as AttributeValue;
}

export function validateItem(item: unknown, where: string): Item {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw DynamoError.validation(`${where} must be a map of attribute names to values`);
  for (const [k, v] of Object.entries(item)) {
    if (k.length === 0) throw DynamoError.validation('One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.');
    validateValue(v, k);
  }
  return item as Item;
}

const num = (s: string) => Number(s);

/** Deep equality as DynamoDB's `=` sees it (sets are unordered; numbers by value). */
export function equal(a: AttributeValue, b: AttributeValue): boolean {
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  const x = (a as Record<string, unknown>)[t];
  const y = (b as Record<string, unknown>)[t];
  switch (t) {
    case 'N':
      return num(x as string) === num(y as string);
    case 'M': {
      const mx = x as Record<string, AttributeValue>;
      const my = y as Record<string, AttributeValue>;
      const kx = Object.keys(mx);
      return kx.length === Object.keys(my).length && kx.every((k) => my[k] !== undefined && equal(mx[k]!, my[k]!));
    }
    case 'L': {
      const lx = x as AttributeValue[];
      const ly = y as AttributeValue[];
      return lx.length === ly.length && lx.every((e, i) => equal(e, ly[i]!));
    }
    case 'SS':
    case 'BS': {
      const sx = new Set(x as string[]);
      const sy = y as string[];
      return sx.size === sy.length && sy.every((e) => sx.has(e));
    }
    case 'NS': {
      const sx = new Set((x as string[]).map(num));
      const sy = (y as string[]).map(num);
      return sx.size === sy.length && sy.every((e) => sx.has(e));
    }
    default:
      return x === y;
  }
}

/** <, <=, >, >= apply to N, S and B of the same type; undefined when they do not (the comparison is false). */
export function compare(a: AttributeValue, b: AttributeValue): number | undefined {
  const t = typeOf(a);
  if (t !== typeOf(b)) return undefined;
  if (t === 'N') return Math.sign(num((a as { N: string }).N) - num((b as { N: string }).N));
  if (t === 'S') return Buffer.compare(Buffer.from((a as { S: string }).S, 'utf8'), Buffer.from((b as { S: string }).S, 'utf8'));
  if (t === 'B') return Buffer.compare(Buffer.from((a as { B: string }).B, 'base64'), Buffer.from((b as { B: string }).B, 'base64'));
  return undefined;
}

/** The size DynamoDB counts: attribute names plus values (numbers ~ their digits), recursively. */
export function itemSize(item: Item): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) n += Buffer.byteLength(k) + valueSize(v);
  return n;
}

function valueSize(v: AttributeValue): number {
  const t = typeOf(v);
  const x = (v as Record<string, unknown>)[t];
  switch (t) {
    case 'S':
      return Buffer.byteLength(x as string);
    case 'B':
      return Buffer.from(x as string, 'base64').length;
    case 'N':
      return Math.ceil((x as string).replace(/[^0-9]/g, '').length / 2) + 1;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'M':
      return 3 + itemSize(x as Item);
    case 'L':
      return 3 + (x as AttributeValue[]).reduce((a, e) => a + 1 + valueSize(e), 0);
    default:
      return (x as string[]).reduce((a, e) => a + Buffer.byteLength(e), 0);
  }
}

/** A canonical number string, as DynamoDB returns numbers (no leading +, no trailing zeros). */
export function canonicalNumber(s: string): string {
  const n = Number(s);
  return Number.isInteger(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? String(n) : String(n);
}
