/**
 * The DynamoDB stand-in (the lab's service, on a real Redis) against moto's DynamoDB in server
 * mode, both through the same AWS SDK client: ≥ 5,000 random sequences with conditions, update
 * expressions, batches, composite keys, queries and scans paged to their end, transactions and
 * bad requests give the same answer — item, attributes, pages, error name and cancellation
 * reasons — on every operation; two deliberately broken stand-ins (a conditional put, a Query)
 * are caught and their sequences shrunk.
 */
import { createServer, type Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab/lab.ts';
import { seededRandom } from '../../core/random.ts';
import { startTestLab } from '../../lab/testing.ts';
import { resolveProgram } from '../../lab/tools.ts';
import { component } from '../../topology/topology.ts';
import { LAB_CREDENTIALS } from '../common/dynamodb-client.ts';
import { OPERATIONS, type Operation } from './api.ts';
import { compare, DIFF_TABLES, randomSequence, shrink, type Compared, type DiffOp, type Side } from './differential.ts';
import { protocolHandler, UNLIMITED } from './protocol.ts';
import { Tables } from './tables.ts';

const SLOT = 216;
const WORKERS = 8;
let lab: Lab;
let moto: ResultPromise | undefined;
const mutantServers: Server[] = [];
let mutantRedis: Redis | undefined;
const clients: DynamoDBClient[] = [];

const client = (endpoint: string) => {
  const c = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: LAB_CREDENTIALS('outage-lab'), maxAttempts: 1 });
  clients.push(c);
  return c;
};

/** A worker's tables: one per key schema the sequences use. */
async function createTables(c: DynamoDBClient, names: readonly string[]): Promise<void> {
  for (const name of names) {
    for (const { suffix, key } of Object.values(DIFF_TABLES)) {
      await c.send(
        new CreateTableCommand({
          TableName: name + suffix,
          KeySchema: key.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
          AttributeDefinitions: key.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  }
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not answer within ${ms} ms (see the moto output above)`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const tableNames = Array.from({ length: WORKERS }, (_, w) => `diff-${w}`);
let standIn: DynamoDBClient;
let reference: DynamoDBClient;

beforeAll(async () => {
  ({ lab } = await startTestLab(SLOT, ['redis', 'dynamodb']));
  const m = lab.topology.harness.moto;
  moto = execa(resolveProgram('moto-server'), ['-H', m.address, '-p', String(m.port)], { stdio: 'ignore', cleanup: true, reject: false });
  await waitFor(`http://${m.address}:${m.port}/`, 30_000);
  const fe = lab.topology.dynamodb.frontends[0]!;
  standIn = client(`http://${fe.address}:${fe.port}`);
  reference = client(`http://${m.address}:${m.port}`);
  await Promise.all([createTables(standIn, tableNames), createTables(reference, tableNames)]);
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  moto?.kill('SIGTERM');
  await moto;
  await Promise.all(mutantServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await mutantRedis?.quit();
  await lab?.stop();
});

const show = (ops: readonly DiffOp[]) => ops.map((o) => `${o.op} ${JSON.stringify(o.input)}`).join('\n    ');

describe('the DynamoDB stand-in answers as moto does, through the AWS SDK', { timeout: 900_000 }, () => {
  it('5,000 random sequences: the same result or error on every operation', async () => {
    const N = 5000;
    let next = 0;
    let ops = 0;
    let referenceFailed = 0;
    const stats = { compared: 0, answers: {} as Record<string, number>, byOperation: {} as Record<string, number> };
    const mismatches: string[] = [];
    const started = Date.now();
    await Promise.all(
      tableNames.map(async (table) => {
        const a: Side = { client: standIn, table };
        const b: Side = { client: reference, table };
        while (next < N && mismatches.length === 0) {
          const i = next++;
          const seq = randomSequence(seededRandom(5000 + i), 3 + (i % 12));
          ops += seq.length;
          const run: Compared = { compared: 0 };
          const diff = await compare(a, b, seq, run);
          stats.compared += run.compared;
          for (const [k, v] of Object.entries(run.answers ?? {})) stats.answers[k] = (stats.answers[k] ?? 0) + v;
          for (const op of seq.slice(0, run.referenceFailedAt ?? seq.length)) stats.byOperation[op.op] = (stats.byOperation[op.op] ?? 0) + 1;
          if (run.referenceFailedAt !== undefined) {
            referenceFailed++;
            // eslint-disable-next-line no-console
            console.log(`moto failed (500) on: ${show([seq[run.referenceFailedAt]!])}`);
          }
          if (diff) {
            const small = await shrink(a, b, seq);
            const last = await compare(a, b, small);
            mismatches.push(`sequence ${i} (shrunk from ${seq.length} to ${small.length} operations):\n    ${show(small)}\n  stand-in: ${last?.a}\n  moto:     ${last?.b}`);
          }
        }
      }),
    );
    // eslint-disable-next-line no-console
    console.log(`differential: ${next} sequences, ${ops} operations, ${stats.compared} answered by both and identical, moto failed on ${referenceFailed} in ${((Date.now() - started) / 1000).toFixed(0)} s; operations ${JSON.stringify(stats.byOperation)}; answers ${JSON.stringify(stats.answers)}`);
    expect(mismatches).toEqual([]);
    expect(next).toBeGreaterThanOrEqual(N);
    expect(stats.compared).toBeGreaterThan(40_000);
    // Conditions failed, bad requests refused, tables missing: the errors were compared too.
    expect(stats.answers.ConditionalCheckFailedException).toBeGreaterThan(1000);
    expect(stats.answers.ValidationException).toBeGreaterThan(1000);
    expect(stats.answers.ResourceNotFoundException).toBeGreaterThan(50);
    // Transactions were cancelled with their reasons compared, not only taken.
    expect(stats.answers.TransactionCanceledException).toBeGreaterThan(300);
    for (const op of ['Query', 'Scan', 'TransactWriteItems', 'TransactGetItems']) expect(stats.byOperation[op] ?? 0, op).toBeGreaterThan(2000);
    // The generator draws what moto serves: it may fail on a rare operation, not on many.
    expect(referenceFailed).toBeLessThan(N / 100);
  });

  /** The stand-in's protocol and operations on the lab's Redis (its own db), with one operation swapped. */
  async function mutantSide(name: string, swapped: Partial<Record<string, Operation>>, port: number): Promise<Side> {
    const r = component(lab.topology, 'redis');
    mutantRedis ??= new Redis({ host: r.address, port: r.port, db: 9 });
    const handle = protocolHandler({ tables: new Tables(mutantRedis), region: 'us-east-1', accessKeyId: 'outage-lab', capacityFor: () => UNLIMITED, takeControlToken: () => true, operations: { ...OPERATIONS, ...swapped } as Record<string, Operation> });
    const m = lab.topology.harness.moto;
    const server = createServer((req, res) => void handle(req, res, Date.now));
    mutantServers.push(server);
    await new Promise<void>((ok) => server.listen(port, m.address, ok));
    const mutant = client(`http://${m.address}:${port}`);
    await createTables(mutant, [name]);
    await createTables(reference, [name]);
    return { client: mutant, table: name };
  }

  /** Random sequences until one tells the mutant from moto; that sequence shrunk. */
  async function catchMutant(a: Side, seed: number): Promise<{ small: DiffOp[]; from: number; i: number; diff: { a: string; b: string } }> {
    const b: Side = { client: reference, table: a.table };
    let caught: { seq: DiffOp[]; i: number } | undefined;
    for (let i = 0; i < 3000 && !caught; i++) {
      const seq = randomSequence(seededRandom(seed + i), 12);
      if (await compare(a, b, seq)) caught = { seq, i };
    }
    expect(caught, 'no sequence found the mutant').toBeDefined();
    const small = await shrink(a, b, caught!.seq);
    const diff = await compare(a, b, small);
    expect(diff).toBeDefined();
    // eslint-disable-next-line no-console
    console.log(`mutant caught by sequence ${caught!.i}, shrunk from ${caught!.seq.length} to ${small.length}:\n    ${show(small)}\n  mutant: ${diff?.a}\n  moto:   ${diff?.b}`);
    return { small, from: caught!.seq.length, i: caught!.i, diff: diff! };
  }

  it('catches a deliberately broken stand-in (conditional puts that ignore attribute_not_exists) and shrinks it', async () => {
    // The classic lease bug: a put "if absent" that overwrites whatever is there.
    const brokenPut: Operation = (b, ctx) => {
      const c = b.ConditionExpression;
      if (typeof c === 'string' && c.includes('attribute_not_exists')) {
        const { ConditionExpression: _c, ExpressionAttributeValues: _v, ExpressionAttributeNames: _n, ...rest } = b;
        return OPERATIONS.PutItem!(rest, ctx);
      }
      return OPERATIONS.PutItem!(b, ctx);
    };
    const { small } = await catchMutant(await mutantSide('diff-mutant', { PutItem: brokenPut }, lab.topology.harness.moto.port + 1), 90_000);
    // The bug needs an item and a put-if-absent on it: two operations, sometimes one more.
    expect(small.length).toBeLessThanOrEqual(3);
    expect(small.some((o) => o.op === 'PutItem' && String(o.input.ConditionExpression ?? '').includes('attribute_not_exists'))).toBe(true);
  });

  it('catches a deliberately broken Query (a sort key condition `>` served as `>=`) and shrinks it', async () => {
    // An off-by-one in the key condition: the boundary item comes back.
    const brokenQuery: Operation = (b, ctx) => {
      const kce = b.KeyConditionExpression;
      return OPERATIONS.Query!(typeof kce === 'string' ? { ...b, KeyConditionExpression: kce.replace(/ > /g, ' >= ') } : b, ctx);
    };
    const { small } = await catchMutant(await mutantSide('diffq-mutant', { Query: brokenQuery }, lab.topology.harness.moto.port + 2), 95_000);
    // An item on the boundary and a query with `>` on it.
    expect(small.length).toBeLessThanOrEqual(3);
    expect(small.at(-1)!.op).toBe('Query');
    expect(String(small.at(-1)!.input.KeyConditionExpression)).toMatch(/ > /);
  });
});
