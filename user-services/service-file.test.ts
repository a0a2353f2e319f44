/**
 * Service files: the shipped examples read; twenty broken ones — each one mistake a user makes —
 * each refused with an InputError (exit 2) in one line naming the file, the field and the fix.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { InputError } from '../core/errors.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { loadServiceFile, loadServiceFiles, withServiceSets } from './service-file.ts';

const EXAMPLE = join(PROJECT_ROOT, 'examples/orders-node/service.yaml');
const dir = mkdtempSync(join(tmpdir(), 'service-files-'));
// The example's Dockerfile, so variants written here find theirs (start.dockerfile: Dockerfile).
writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const example = (): Doc => parse(readFileSync(EXAMPLE, 'utf8')) as Doc;

/** Writes a variant of the example beside a copy of its folder's layout (cwd "." is the temp dir). */
function variant(name: string, edit: (d: Doc) => void, raw?: string): string {
  const d = example();
  edit(d);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, raw ?? stringify(d));
  return file;
}

describe('service files', () => {
  it('the example reads, with the defaults filled in', () => {
    const s = loadServiceFile(EXAMPLE);
    expect(s).toMatchObject({ name: 'orders-node', language: 'node', sdk: { name: '@aws-sdk/client-dynamodb' }, listen: { hostEnv: 'HOST', portEnv: 'PORT' }, start: { command: ['node', 'server.mjs'], cwd: '.', readyTimeoutMs: 30_000, stopGraceMs: 5_000 } });
    expect(s.tables.map((t) => [t.name, t.partitionKey.name, t.sortKey?.name])).toEqual([
      ['orders-node', 'customer', 'order'],
      ['order-counts-node', 'customer', undefined],
    ]);
    expect(s.workload.callers.retry).toEqual({ mode: 'immediate', attempts: 3 });
  });

  const broken: [string, (d: Doc) => void, RegExp, string?][] = [
    ['no name', (d) => delete d.name, /: name: missing: add it \(a string\)$/],
    ['a name with capitals', (d) => (d.name = 'Orders'), /: name: a short name: lower case/],
    ['an unknown top-level field', (d) => (d.retries = 3), /\(top level\): unknown field "retries": remove it or check its spelling/],
    ['no way to start it', (d) => (d.start = {}), /start: give command \(local runtime\) or dockerfile/],
    ['a command that is a string', (d) => (d.start.command = 'node server.mjs'), /start\.command: a list: the program and its arguments/],
    ['a cwd that does not exist', (d) => (d.start.cwd = 'nowhere'), /start\.cwd: .*nowhere does not exist/],
    ['a dockerfile that does not exist', (d) => (d.start.dockerfile = 'Dockerfile.missing'), /start\.dockerfile: .*Dockerfile\.missing does not exist/],
    ['a ready path without a slash', (d) => (d.ready.path = 'health'), /ready\.path: a path starting with \//],
    ['a loop variable that is not a variable name', (d) => (d.sdk.handWrittenRetryEnv = 'NAIVE RETRY'), /sdk\.handWrittenRetryEnv: an environment variable name, e\.g\. ORDERS_NAIVE_RETRY/],
    ['an env value that is a number', (d) => (d.env.RETRIES = 3), /env\.RETRIES: a string \(quote numbers\)/],
    ['the endpoint set by hand', (d) => (d.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://dynamodb.us-east-1.amazonaws.com'), /env\.AWS_ENDPOINT_URL_DYNAMODB: the lab sets AWS_ENDPOINT_URL_DYNAMODB itself/],
    ['no tables', (d) => (d.tables = []), /tables: at least one table/],
    ['a key of type BOOL', (d) => (d.tables[0].sortKey.type = 'BOOL'), /tables\.0\.sortKey\.type: S, N or B/],
    ['a table name too short', (d) => (d.tables[1].name = 'oc'), /tables\.1\.name: a DynamoDB table name/],
    ['a table twice', (d) => (d.tables[1].name = 'orders-node'), /tables\.1\.name: table orders-node is listed twice/],
    ['a seed without the sort key', (d) => delete d.tables[0].seed.item.order, /tables\.0\.seed\.item: every seeded item needs the key attribute order/],
    ['a table both provisioned and on-demand', (d) => Object.assign(d.tables[0], { provisioned: { readCapacityUnits: 10, writeCapacityUnits: 10 }, onDemand: { maxReadRequestUnits: 10 } }), /tables\.0\.onDemand: a table is provisioned or on-demand, not both/],
    ['an on-demand table with no maximum', (d) => (d.tables[0].onDemand = {}), /tables\.0\.onDemand: give maxReadRequestUnits, maxWriteRequestUnits or both/],
    ['a rate of zero', (d) => (d.workload.requests[0].rate = 0), /workload\.requests\.0\.rate: a number greater than 0/],
    ['a GET with a body', (d) => (d.workload.requests[0].body = { x: 1 }), /workload\.requests\.0\.body: a GET request has no body/],
    ['a placeholder with no key set', (d) => (d.workload.requests[0].path = '/orders/{shopper}'), /workload\.requests\.0: \{shopper\} is not one of workload\.keys \(customer\): add it there/],
    ['a caller retry mode that does not exist', (d) => (d.workload.callers.retry = { mode: 'exponential', attempts: 3 }), /workload\.callers\.retry/],
    ['an SLO ratio above 1', (d) => (d.slo.successRatio = 99), /slo\.successRatio: a ratio in \(0, 1\]/],
    ['no recovery bound', (d) => delete d.slo.recoverWithinMs, /slo\.recoverWithinMs: missing: add it/],
    ['not YAML', () => {}, /not valid YAML/, 'name: [unclosed'],
  ];

  it(`${broken.length} broken service files: each an InputError (exit 2) in one line naming the field`, () => {
    expect(broken.length).toBeGreaterThanOrEqual(20);
    for (const [what, edit, message, raw] of broken) {
      const file = variant(what.replace(/\W+/g, '-'), edit, raw);
      let err: unknown;
      try {
        loadServiceFile(file);
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(InputError);
      const e = err as InputError;
      expect(e.exitCode, what).toBe(2);
      expect(e.message, what).toMatch(message);
      expect(e.message, what).not.toContain('\n');
      expect(e.message, what).toContain(file);
    }
  });

  it('two service files with one name are refused (a name is the service access key)', () => {
    const a = variant('same-a', () => {});
    const b = variant('same-b', () => {});
    expect(() => loadServiceFiles([a, b])).toThrow(/both named orders-node: give each service its own name/);
    // Two services sharing a table: each service owns its tables (the lab creates and sizes them).
    const c = variant('same-table', (d) => (d.name = 'orders-other'));
    expect(() => loadServiceFiles([a, c])).toThrow(/both use table orders-node: give each service tables of its own/);
    expect(() => loadServiceFile(join(dir, 'absent.yaml'))).toThrow(/no such file/);
  });
});

describe("a sweep cell's service.* settings", () => {
  it('scale the load, set or remove a variable, set any field, and are checked again', () => {
    const base = loadServiceFile(join(PROJECT_ROOT, 'examples/orders-node/retry-storm.yaml'));
    const cell = withServiceSets(base, [
      ['service.load', 1.5],
      ['service.env.ORDERS_NAIVE_RETRY', 5],
      ['service.env.ORDERS_DYNAMODB_TIMEOUT_MS', null],
      ['service.tables.0.capacity.workers', 3],
    ]);
    expect(cell.workload.requests.map((r) => r.rate)).toEqual(base.workload.requests.map((r) => r.rate * 1.5));
    expect(cell.env.ORDERS_NAIVE_RETRY).toBe('5');
    expect('ORDERS_DYNAMODB_TIMEOUT_MS' in cell.env).toBe(false);
    expect(cell.tables[0]!.capacity!.workers).toBe(3);
    expect({ file: cell.file, dir: cell.dir }).toEqual({ file: base.file, dir: base.dir });
    expect(base.env.ORDERS_DYNAMODB_TIMEOUT_MS).toBe('1000'); // the file's own spec is left alone
    expect(() => withServiceSets(base, [['service.tables.0.capacity.workers', 0]])).toThrow(/tables\.0\.capacity\.workers/);
    expect(() => withServiceSets(base, [['service.load', -1]])).toThrow(/a factor above 0/);
    expect(() => withServiceSets(base, [['service.slo.nope.x', 1]])).toThrow(/slo\.nope is not a field/);
    expect(() => withServiceSets(base, [['service.colour', 'red']])).toThrow(InputError);
  });
});

describe("the examples' retry-storm files", () => {
  it('put the four languages through the same table, load, callers and SLO; only the service differs', () => {
    const files = ['node', 'python', 'go', 'java'].map((l) => loadServiceFile(join(PROJECT_ROOT, `examples/orders-${l}/retry-storm.yaml`)));
    const same = (s: (typeof files)[number]) => ({
      capacity: s.tables.map((t) => t.capacity),
      seed: s.tables.map((t) => t.seed?.count),
      requests: s.workload.requests.map((r) => [r.method, r.path, r.rate]),
      callers: s.workload.callers,
      slo: s.slo,
      timeout: s.env.ORDERS_DYNAMODB_TIMEOUT_MS,
    });
    for (const f of files.slice(1)) expect(same(f)).toEqual(same(files[0]!));
    expect(new Set(files.map((f) => f.sdk.name)).size).toBe(4);
    expect(files.every((f) => f.sdk.handWrittenRetryEnv === 'ORDERS_NAIVE_RETRY')).toBe(true);
  });
});
