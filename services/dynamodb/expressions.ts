/**
 * DynamoDB's expression language, for what the lab's clients use and a little more: condition
 * expressions (comparators, BETWEEN, IN, AND/OR/NOT, parentheses, attribute_exists,
 * attribute_not_exists, attribute_type, begins_with, contains, size), update expressions (SET with
 * + and -, if_not_exists and list_append; REMOVE; ADD to numbers and sets; DELETE from sets) and
 * projection expressions, over document paths (`a.b[2].c`) with `#name` and `:value`
 * placeholders. A parse error, an undefined placeholder or an unused one is a ValidationException
 * with DynamoDB's wording.
 */
import { compare, equal, typeOf, validateValue, type AttributeValue, type Item } from './attribute-values.ts';
import { DynamoError } from './errors.ts';
import { RESERVED_WORDS } from './reserved-words.ts';

type Segment = { readonly name: string } | { readonly index: number };
export type Path = readonly Segment[];

type Operand = { readonly kind: 'path'; readonly path: Path } | { readonly kind: 'value'; readonly ref: string } | { readonly kind: 'size'; readonly path: Path };

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly a: Condition; readonly b: Condition }
  | { readonly kind: 'not'; readonly c: Condition }
  | { readonly kind: 'cmp'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly a: Operand; readonly b: Operand }
  | { readonly kind: 'between'; readonly a: Operand; readonly lo: Operand; readonly hi: Operand }
  | { readonly kind: 'in'; readonly a: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'fn'; readonly fn: 'attribute_exists' | 'attribute_not_exists'; readonly path: Path }
  | { readonly kind: 'fn2'; readonly fn: 'attribute_type' | 'begins_with' | 'contains'; readonly a: Operand; readonly b: Operand };

type Value =
  | Operand
  | { readonly kind: 'if_not_exists'; readonly path: Path; readonly fallback: Value }
  | { readonly kind: 'list_append'; readonly a: Value; readonly b: Value }
  | { readonly kind: 'arith'; readonly op: '+' | '-'; readonly a: Value; readonly b: Value };

export interface Update {
  readonly set: readonly { readonly path: Path; readonly value: Value }[];
  readonly remove: readonly Path[];
  readonly add: readonly { readonly path: Path; readonly ref: string }[];
  readonly del: readonly { readonly path: Path; readonly ref: string }[];
}

// --- tokens --------------------------------------------------------------------------------------

type Token = { readonly t: 'name' | 'ph' | 'val' | 'num' | 'op' | 'kw'; readonly v: string; readonly at: number };
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE']);

function tokens(src: string, what: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const m =
      /^(<>|<=|>=|[=<>(),.[\]+-])/.exec(rest) ??
      /^#[A-Za-z0-9_]+/.exec(rest) ??
      /^:[A-Za-z0-9_]+/.exec(rest) ??
      /^\d+/.exec(rest) ??
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (!m) throw syntax(what, src, i);
    const v = m[0];
    const t: Token['t'] = v.startsWith('#') ? 'ph' : v.startsWith(':') ? 'val' : /^\d/.test(v) ? 'num' : /^[A-Za-z_]/.test(v) ? (KEYWORDS.has(v.toUpperCase()) ? 'kw' : 'name') : 'op';
    out.push({ t, v: t === 'kw' ? v.toUpperCase() : v, at: i });
    i += v.length;
  }
  return out;
}

function syntax(what: string, src: string, at: number): DynamoError {
  const token = src.slice(at).split(/\s/)[0] || '<EOF>';
  return DynamoError.validation(`Invalid ${what}: Syntax error; token: "${token}", near: "${src.slice(Math.max(0, at - 5), at + token.length + 5)}"`);
}

class Parser {
  private i = 0;
  /** Conditions that came from a parenthesised group (to refuse redundant parentheses). */
  private readonly parenthesised = new WeakSet<object>();
  constructor(
    private readonly toks: Token[],
    private readonly src: string,
    private readonly what: string,
  ) {}
  peek(): Token | undefined {
    return this.toks[this.i];
  }
  next(): Token {
    const t = this.toks[this.i++];
    if (!t) throw DynamoError.validation(`Invalid ${this.what}: Syntax error; token: "<EOF>", near: "${this.src.slice(-10)}"`);
    return t;
  }
  fail(t?: Token): never {
    throw syntax(this.what, this.src, t?.at ?? this.src.length);
  }
  accept(v: string): boolean {
    if (this.peek()?.v === v && this.peek()?.t !== 'name') {
      this.i++;
      return true;
    }
    return false;
  }
  expect(v: string): void {
    const t = this.next();
    if (t.v !== v) this.fail(t);
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }

  /** An attribute name in a path: a placeholder, or a bare name that is not a reserved word. */
  private attributeName(): string {
    const n = this.next();
    if (n.t !== 'name' && n.t !== 'ph') this.fail(n);
    if (n.t === 'name' && RESERVED_WORDS.has(n.v.toUpperCase())) throw DynamoError.validation(`Invalid ${this.what}: Attribute name is a reserved keyword; reserved keyword: ${n.v}`);
    return n.v;
  }

  path(): Path {
    const segs: Segment[] = [{ name: this.attributeName() }];
    for (;;) {
      if (this.accept('.')) {
        segs.push({ name: this.attributeName() });
      } else if (this.accept('[')) {
        const n = this.next();
        if (n.t !== 'num') this.fail(n);
        this.expect(']');
        segs.push({ index: Number(n.v) });
      } else return segs;
    }
  }

  operand(): Operand {
    const t = this.peek();
    if (t?.t === 'val') {
      this.i++;
      return { kind: 'value', ref: t.v };
    }
    if (t?.t === 'name' && t.v === 'size' && this.toks[this.i + 1]?.v === '(') {
      this.i += 2;
      const path = this.path();
      this.expect(')');
      return { kind: 'size', path };
    }
    return { kind: 'path', path: this.path() };
  }

  condition(): Condition {
    let a = this.and();
    while (this.accept('OR')) a = { kind: 'or', a, b: this.and() };
    return a;
  }
  private and(): Condition {
    let a = this.not();
    while (this.accept('AND')) a = { kind: 'and', a, b: this.not() };
    return a;
  }
  private not(): Condition {
    if (this.accept('NOT')) return { kind: 'not', c: this.not() };
    return this.primary();
  }
  private primary(): Condition {
    const t = this.peek();
    if (t?.v === '(') {
      this.i++;
      const c = this.condition();
      this.expect(')');
      // ((x)): DynamoDB refuses parentheses around what is already parenthesised.
      if (this.parenthesised.has(c)) throw DynamoError.validation(`Invalid ${this.what}: The expression has redundant parentheses;`);
      this.parenthesised.add(c);
      return c;
    }
    if (t?.t === 'name' && this.toks[this.i + 1]?.v === '(' && t.v !== 'size') {
      this.i += 2;
      if (t.v === 'attribute_exists' || t.v === 'attribute_not_exists') {
        const path = this.path();
        this.expect(')');
        return { kind: 'fn', fn: t.v, path };
      }
      if (t.v === 'attribute_type' || t.v === 'begins_with' || t.v === 'contains') {
        const a = this.operand();
        this.expect(',');
        const b = this.operand();
        this.expect(')');
        return { kind: 'fn2', fn: t.v, a, b };
      }
      throw DynamoError.validation(`Invalid ${this.what}: Invalid function name; function: ${t.v}`);
    }
    const a = this.operand();
    const op = this.next();
    if (op.v === 'BETWEEN') {
      const lo = this.operand();
      this.expect('AND');
      return { kind: 'between', a, lo, hi: this.operand() };
    }
    if (op.v === 'IN') {
      this.expect('(');
      const list = [this.operand()];
      while (this.accept(',')) list.push(this.operand());
      this.expect(')');
      return { kind: 'in', a, list };
    }
    if (!['=', '<>', '<', '<=', '>', '>='].includes(op.v)) this.fail(op);
    return { kind: 'cmp', op: op.v as '=', a, b: this.operand() };
  }

  value(): Value {
    let a = this.valueTerm();
    for (;;) {
      if (this.accept('+')) a = { kind: 'arith', op: '+', a, b: this.valueTerm() };
      else if (this.accept('-')) a = { kind: 'arith', op: '-', a, b: this.valueTerm() };
      else return a;
    }
  }
  private valueTerm(): Value {
    const t = this.peek();
    if (t?.t === 'name' && this.toks[this.i + 1]?.v === '(' && (t.v === 'if_not_exists' || t.v === 'list_append')) {
      this.i += 2;
      if (t.v === 'if_not_exists') {
        const path = this.path();
        this.expect(',');
        const fallback = this.value();
        this.expect(')');
        return { kind: 'if_not_exists', path, fallback };
      }
      const a = this.value();
      this.expect(',');
      const b = this.value();
      this.expect(')');
      return { kind: 'list_append', a, b };
    }
    return this.operand();
  }
}

// --- placeholders --------------------------------------------------------------------------------

export interface Placeholders {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

/** Validates ExpressionAttributeNames/Values, and after parsing, that every one was used and none is missing. */
export class PlaceholderUse {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();
  constructor(private readonly p: Placeholders) {
    for (const [k, v] of Object.entries(p.values ?? {})) {
      if (!/^:[A-Za-z0-9_]+$/.test(k)) throw DynamoError.validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${k}"`);
      validateValue(v, k);
    }
    for (const [k, v] of Object.entries(p.names ?? {})) {
      if (!/^#[A-Za-z0-9_]+$/.test(k)) throw DynamoError.validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${k}"`);
      if (typeof v !== 'string' || v.length === 0) throw DynamoError.validation(`ExpressionAttributeNames contains invalid value: Empty attribute name; key: "${k}"`);
    }
  }
  name(n: string): string {
    if (!n.startsWith('#')) return n;
    const v = this.p.names?.[n];
    if (v === undefined) throw DynamoError.validation(`Value provided in ExpressionAttributeNames unused in expressions or undefined; An expression attribute name used in the document path is not defined; attribute name: ${n}`);
    this.usedNames.add(n);
    return v;
  }
  value(ref: string): AttributeValue {
    const v = this.p.values?.[ref];
    if (v === undefined) throw DynamoError.validation(`An expression attribute value used in expression is not defined; attribute value: ${ref}`);
    this.usedValues.add(ref);
    return v;
  }
  /** DynamoDB refuses placeholders given but not used. */
  checkAllUsed(): void {
    const names = Object.keys(this.p.names ?? {}).filter((n) => !this.usedNames.has(n));
    if (names.length) throw DynamoError.validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(', ')}}`);
    const values = Object.keys(this.p.values ?? {}).filter((v) => !this.usedValues.has(v));
    if (values.length) throw DynamoError.validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(', ')}}`);
  }
}

const KIND_NAMES: Record<string, string> = { condition: 'ConditionExpression', update: 'UpdateExpression', projection: 'ProjectionExpression' };

/** Parses a condition; `what` names the parameter in errors (ConditionExpression, FilterExpression, KeyConditionExpression). */
export function parseCondition(src: string, what = KIND_NAMES.condition!): Condition {
  if (!src.trim()) throw DynamoError.validation(`Invalid ${what}: The expression can not be empty;`);
  const p = new Parser(tokens(src, what), src, what);
  const c = p.condition();
  if (!p.done()) p.fail(p.peek());
  return c;
}

export function parseUpdate(src: string): Update {
  const what = KIND_NAMES.update!;
  if (!src.trim()) throw DynamoError.validation(`Invalid ${what}: The expression can not be empty;`);
  const p = new Parser(tokens(src, what), src, what);
  const u = { set: [] as Update['set'][number][], remove: [] as Path[], add: [] as Update['add'][number][], del: [] as Update['del'][number][] };
  const seen = new Set<string>();
  while (!p.done()) {
    const kw = p.next();
    if (kw.t !== 'kw' || !['SET', 'REMOVE', 'ADD', 'DELETE'].includes(kw.v)) p.fail(kw);
    if (seen.has(kw.v)) throw DynamoError.validation(`Invalid ${what}: The "${kw.v}" section can only be used once in an update expression;`);
    seen.add(kw.v);
    do {
      const path = p.path();
      if (kw.v === 'SET') {
        p.expect('=');
        u.set.push({ path, value: p.value() });
      } else if (kw.v === 'REMOVE') u.remove.push(path);
      else {
        const v = p.next();
        if (v.t !== 'val') p.fail(v);
        (kw.v === 'ADD' ? u.add : u.del).push({ path, ref: v.v });
      }
    } while (p.accept(','));
  }
  return u;
}

export function parseProjection(src: string): Path[] {
  const what = KIND_NAMES.projection!;
  if (!src.trim()) throw DynamoError.validation(`Invalid ${what}: The expression can not be empty;`);
  const p = new Parser(tokens(src, what), src, what);
  const out = [p.path()];
  while (p.accept(',')) out.push(p.path());
  if (!p.done()) p.fail(p.peek());
  return out;
}

// --- evaluation ----------------------------------------------------------------------------------

function resolvePath(path: Path, ph: PlaceholderUse): Path {
  return path.map((s) => ('name' in s ? { name: ph.name(s.name) } : s));
}

export function getPath(item: Item, path: Path): AttributeValue | undefined {
  let cur: AttributeValue | undefined = { M: item };
  for (const s of path) {
    if (!cur) return undefined;
    if ('name' in s) cur = 'M' in cur ? cur.M[s.name] : undefined;
    else cur = 'L' in cur ? cur.L[s.index] : undefined;
  }
  return cur;
}

function operandValue(o: Operand, item: Item, ph: PlaceholderUse): AttributeValue | undefined {
  if (o.kind === 'value') return ph.value(o.ref);
  const v = getPath(item, resolvePath(o.path, ph));
  if (o.kind === 'path') return v;
  if (!v) return undefined;
  const t = typeOf(v);
  const x = (v as Record<string, unknown>)[t];
  const size = t === 'S' ? Buffer.byteLength(x as string) : t === 'B' ? Buffer.from(x as string, 'base64').length : t === 'M' ? Object.keys(x as object).length : Array.isArray(x) ? x.length : undefined;
  return size === undefined ? undefined : { N: String(size) };
}

/** Evaluates a condition on an item (undefined: the item does not exist, as an empty map). */
export function evaluate(c: Condition, item: Item | undefined, ph: PlaceholderUse): boolean {
  const it = item ?? {};
  switch (c.kind) {
    case 'and':
      return evaluate(c.a, item, ph) && evaluate(c.b, item, ph);
    case 'or':
      return evaluate(c.a, item, ph) || evaluate(c.b, item, ph);
    case 'not':
      return !evaluate(c.c, item, ph);
    case 'fn': {
      const exists = getPath(it, resolvePath(c.path, ph)) !== undefined;
      return c.fn === 'attribute_exists' ? exists : !exists;
    }
    case 'fn2': {
      const a = operandValue(c.a, it, ph);
      const b = operandValue(c.b, it, ph);
      if (c.fn === 'attribute_type') {
        if (!b || !('S' in b)) throw DynamoError.validation('Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: not S');
        return a !== undefined && typeOf(a) === b.S;
      }
      if (!a || !b) return false;
      if (c.fn === 'begins_with') {
        if ('S' in a && 'S' in b) return a.S.startsWith(b.S);
        if ('B' in a && 'B' in b) return Buffer.from(a.B, 'base64').subarray(0, Buffer.from(b.B, 'base64').length).equals(Buffer.from(b.B, 'base64'));
        return false;
      }
      if ('S' in a && 'S' in b) return a.S.includes(b.S);
      if ('SS' in a && 'S' in b) return a.SS.includes(b.S);
      if ('NS' in a && 'N' in b) return a.NS.some((n) => Number(n) === Number(b.N));
      if ('L' in a) return a.L.some((e) => equal(e, b));
      return false;
    }
    case 'cmp': {
      const a = operandValue(c.a, it, ph);
      const b = operandValue(c.b, it, ph);
      if (!a || !b) return c.op === '<>' ? a !== b : false;
      if (c.op === '=') return equal(a, b);
      if (c.op === '<>') return !equal(a, b);
      const r = compare(a, b);
      if (r === undefined) return false;
      return c.op === '<' ? r < 0 : c.op === '<=' ? r <= 0 : c.op === '>' ? r > 0 : r >= 0;
    }
    case 'between': {
      const a = operandValue(c.a, it, ph);
      const lo = operandValue(c.lo, it, ph);
      const hi = operandValue(c.hi, it, ph);
      if (!a || !lo || !hi) return false;
      const x = compare(a, lo);
      const y = compare(a, hi);
      return x !== undefined && y !== undefined && x >= 0 && y <= 0;
    }
    case 'in': {
      const a = operandValue(c.a, it, ph);
      return a !== undefined && c.list.some((o) => {
        const v = operandValue(o, it, ph);
        return v !== undefined && equal(a, v);
      });
    }
  }
}

/**
 * Only the placeholders a condition uses (for the unused-placeholder check), without evaluating
 * it; returns the top-level attributes it reads (a Query's filter may not read the key).
 */
export function touchCondition(c: Condition, ph: PlaceholderUse, names = new Set<string>()): Set<string> {
  const path = (p: Path) => {
    const first = resolvePath(p, ph)[0];
    if (first && 'name' in first) names.add(first.name);
  };
  const op = (o: Operand) => (o.kind === 'value' ? ph.value(o.ref) : path(o.path));
  switch (c.kind) {
    case 'and':
    case 'or':
      touchCondition(c.a, ph, names);
      touchCondition(c.b, ph, names);
      break;
    case 'not':
      touchCondition(c.c, ph, names);
      break;
    case 'fn':
      path(c.path);
      break;
    case 'fn2':
    case 'cmp':
      op(c.a);
      op(c.b);
      break;
    case 'between':
      op(c.a);
      op(c.lo);
      op(c.hi);
      break;
    case 'in':
      op(c.a);
      c.list.forEach(op);
      break;
  }
  return names;
}

function valueOf(v: Value, item: Item, ph: PlaceholderUse): AttributeValue {
  switch (v.kind) {
    case 'value':
      return ph.value(v.ref);
    case 'path': {
      const x = getPath(item, resolvePath(v.path, ph));
      if (!x) throw DynamoError.validation('The provided expression refers to an attribute that does not exist in the item');
      return x;
    }
    case 'size':
      throw DynamoError.validation('Invalid UpdateExpression: The function is not allowed in an update expression; function: size');
    case 'if_not_exists':
      return getPath(item, resolvePath(v.path, ph)) ?? valueOf(v.fallback, item, ph);
    case 'list_append': {
      const a = valueOf(v.a, item, ph);
      const b = valueOf(v.b, item, ph);
      if (!('L' in a) || !('L' in b)) throw DynamoError.validation('An operand in the update expression has an incorrect data type');
      return { L: [...a.L, ...b.L] };
    }
    case 'arith': {
      const a = valueOf(v.a, item, ph);
      const b = valueOf(v.b, item, ph);
      if (!('N' in a) || !('N' in b)) throw DynamoError.validation('An operand in the update expression has an incorrect data type');
      return { N: String(v.op === '+' ? Number(a.N) + Number(b.N) : Number(a.N) - Number(b.N)) };
    }
  }
}

function setPath(item: Item, path: Path, value: AttributeValue | undefined): void {
  const [first, ...rest] = path;
  if (!first || !('name' in first)) throw DynamoError.validation('Invalid UpdateExpression: the document path must start with an attribute name');
  if (!rest.length) {
    if (value === undefined) delete item[first.name];
    else item[first.name] = value;
    return;
  }
  let cur = item[first.name];
  for (const [k, s] of rest.entries()) {
    const last = k === rest.length - 1;
    if (!cur) throw DynamoError.validation('The document path provided in the update expression is invalid for update');
    if ('name' in s) {
      if (!('M' in cur)) throw DynamoError.validation('The document path provided in the update expression is invalid for update');
      if (last) {
        if (value === undefined) delete cur.M[s.name];
        else cur.M[s.name] = value;
        return;
      }
      cur = cur.M[s.name];
    } else {
      if (!('L' in cur)) throw DynamoError.validation('The document path provided in the update expression is invalid for update');
      if (last) {
        if (value === undefined) cur.L.splice(s.index, 1);
        else if (s.index >= cur.L.length) cur.L.push(value);
        else cur.L[s.index] = value;
        return;
      }
      cur = cur.L[s.index];
    }
  }
}

const key = (p: Path) => p.map((s) => ('name' in s ? `.${s.name}` : `[${s.index}]`)).join('');

/** The update's paths and placeholders, checked against the request alone: every name and value resolves, no two paths overlap, no key attribute changes. */
export function checkUpdate(u: Update, ph: PlaceholderUse, keyNames: readonly string[]): void {
  const paths = [...u.set.map((s) => s.path), ...u.remove, ...u.add.map((a) => a.path), ...u.del.map((d) => d.path)].map((p) => resolvePath(p, ph));
  const touchValue = (v: Value): void => {
    if (v.kind === 'value') ph.value(v.ref);
    else if (v.kind === 'path' || v.kind === 'size') resolvePath(v.path, ph);
    else if (v.kind === 'if_not_exists') {
      resolvePath(v.path, ph);
      touchValue(v.fallback);
    } else {
      touchValue(v.a);
      touchValue(v.b);
    }
  };
  u.set.forEach((s) => touchValue(s.value));
  [...u.add, ...u.del].forEach((a) => ph.value(a.ref));
  const seen = new Set<string>();
  for (const p of paths) {
    const k = key(p);
    for (const s of seen) if (s === k || s.startsWith(`${k}.`) || s.startsWith(`${k}[`) || k.startsWith(`${s}.`) || k.startsWith(`${s}[`)) throw DynamoError.validation(`Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${s.slice(1)}], path two: [${k.slice(1)}]`);
    seen.add(k);
    const top = 'name' in p[0]! ? (p[0] as { name: string }).name : '';
    if (keyNames.includes(top)) throw DynamoError.validation(`One or more parameter values were invalid: Cannot update attribute ${top}. This attribute is part of the key`);
  }
}

/** Applies an update to a copy of the item; returns the new item and the top-level attributes it changed. */
export function applyUpdate(u: Update, item: Item, ph: PlaceholderUse, keyNames: readonly string[]): { item: Item; changed: Set<string> } {
  const next = structuredClone(item);
  const changed = new Set<string>();
  checkUpdate(u, ph, keyNames);
  // Every value is computed from the item as it was (DynamoDB evaluates the right-hand sides first).
  const sets = u.set.map((s) => ({ path: resolvePath(s.path, ph), value: valueOf(s.value, item, ph) }));
  const adds = u.add.map((a) => ({ path: resolvePath(a.path, ph), value: ph.value(a.ref) }));
  const dels = u.del.map((d) => ({ path: resolvePath(d.path, ph), value: ph.value(d.ref) }));
  for (const s of sets) {
    setPath(next, s.path, s.value);
    changed.add((s.path[0] as { name: string }).name);
  }
  for (const p of u.remove.map((r) => resolvePath(r, ph))) {
    // A nested path needs its parent: removing m.b or l[1] when there is no map m or list l is refused.
    if (p.length > 1) {
      const parent = getPath(next, p.slice(0, -1));
      const leaf = p[p.length - 1]!;
      if (!parent || ('name' in leaf ? !('M' in parent) : !('L' in parent))) throw DynamoError.validation('The document path provided in the update expression is invalid for update');
    }
    if (getPath(next, p) !== undefined) setPath(next, p, undefined);
    changed.add((p[0] as { name: string }).name);
  }
  for (const a of adds) {
    const cur = getPath(next, a.path);
    let v: AttributeValue;
    if ('N' in a.value) {
      if (cur && !('N' in cur)) throw DynamoError.validation('An operand in the update expression has an incorrect data type');
      v = { N: String(Number(cur && 'N' in cur ? cur.N : 0) + Number(a.value.N)) };
    } else if ('SS' in a.value || 'NS' in a.value || 'BS' in a.value) {
      const t = typeOf(a.value) as 'SS';
      if (cur && typeOf(cur) !== t) throw DynamoError.validation('An operand in the update expression has an incorrect data type');
      const merged = [...new Set([...((cur as { SS?: string[] } | undefined)?.[t] ?? []), ...(a.value as { SS: string[] })[t]])];
      v = { [t]: merged } as AttributeValue;
    } else throw DynamoError.validation('Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: ' + typeOf(a.value));
    setPath(next, a.path, v);
    changed.add((a.path[0] as { name: string }).name);
  }
  for (const d of dels) {
    const t = typeOf(d.value);
    if (t !== 'SS' && t !== 'NS' && t !== 'BS') throw DynamoError.validation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: ${t}`);
    const cur = getPath(next, d.path);
    if (cur) {
      if (typeOf(cur) !== t) throw DynamoError.validation('An operand in the update expression has an incorrect data type');
      const drop = new Set((d.value as { SS: string[] })[t as 'SS']);
      const left = (cur as { SS: string[] })[t as 'SS'].filter((e) => !drop.has(e));
      setPath(next, d.path, left.length ? ({ [t]: left } as AttributeValue) : undefined);
    }
    changed.add((d.path[0] as { name: string }).name);
  }
  return { item: next, changed };
}

type ProjectionNode = { kind: 'leaf'; v: AttributeValue } | { kind: 'M'; c: Map<string, ProjectionNode> } | { kind: 'L'; c: Map<number, ProjectionNode> };

/** The item with only the projected paths: nested maps keep their path, lists the projected elements in order, compacted (as DynamoDB does). */
export function project(item: Item, paths: readonly Path[], ph: PlaceholderUse): Item {
  const root: ProjectionNode = { kind: 'M', c: new Map() } as ProjectionNode;
  for (const raw of paths) {
    const p = resolvePath(raw, ph);
    const v = getPath(item, p);
    if (v === undefined) continue;
    let node: ProjectionNode = root;
    for (const [k, seg] of p.entries()) {
      if (node.kind === 'leaf') break;
      const last = k === p.length - 1;
      const next: ProjectionNode = last ? { kind: 'leaf', v } : 'name' in p[k + 1]! ? { kind: 'M', c: new Map() } : { kind: 'L', c: new Map() };
      const key = 'name' in seg ? seg.name : seg.index;
      const children = node.c as Map<string | number, ProjectionNode>;
      const existing = children.get(key);
      if (!existing || last) children.set(key, next);
      node = children.get(key)!;
    }
  }
  const build = (n: ProjectionNode): AttributeValue =>
    n.kind === 'leaf' ? n.v : n.kind === 'M' ? { M: Object.fromEntries([...n.c].map(([k, x]) => [k, build(x)])) } : { L: [...n.c].sort((x, y) => x[0] - y[0]).map(([, x]) => build(x)) };
  return (build(root) as { M: Item }).M;
}
