/**
 * Composite keys, Query, Scan and transactions on the real stand-in, through the AWS SDK — the
 * behaviour the moto differential cannot check because moto differs from DynamoDB there or does
 * not check it: a page that reached its Limit carries LastEvaluatedKey even at the end; 1 MB pages;
 * a Query's filter may not read the key; begins_with on a number; Segments partition a table; a
 * cancelled transaction writes nothing and names each action's reason (ValidationError included);
 * a ClientRequestToken makes a retried transaction apply once.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand, TransactGetItemsCommand, TransactWriteItemsCommand, type AttributeValue, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Lab } from '../../lab/lab.ts';
import { startTestLab } from '../../lab/testing.ts';
import { LAB_CREDENTIALS } from '../common/dynamodb-client.ts';

const SLOT = 218;
let lab: Lab;
let sdk: DynamoDBClient;
const S = (v: string): AttributeValue => ({ S: v });
const N = (v: number | string): AttributeValue => ({ N: String(v) });

async function error(p: Promise<unknown>): Promise<{ name: string; message: string; CancellationReasons?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string };
  }
  throw new Error('expected the request to fail');
}

async function table(TableName: string, sortType: 'S' | 'N'): Promise<void> {
  await sdk.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [
        { AttributeName: 'customer', KeyType: 'HASH' },
        { AttributeName: 'order', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'customer', AttributeType: 'S' },
        { AttributeName: 'order', AttributeType: sortType },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

const put = (TableName: string, item: Record<string, AttributeValue>) => sdk.send(new PutItemCommand({ TableName, Item: item }));
const orders = async (input: Omit<QueryCommandInput, 'TableName'>, TableName = 'orders-n') => (await sdk.send(new QueryCommand({ TableName, ...input }))).Items?.map((i) => i.order!.N ?? i.order!.S);

beforeAll(async () => {
  ({ lab } = await startTestLab(SLOT, ['redis', 'dynamodb']));
  const fe = lab.topology.dynamodb.frontends[0]!;
  sdk = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://${fe.address}:${fe.port}`, credentials: LAB_CREDENTIALS('outage-lab'), maxAttempts: 1 });
  await table('orders-n', 'N');
  await table('orders-s', 'S');
  for (const o of [10, 2, -1, 2.5, 0]) await put('orders-n', { customer: S('c1'), order: N(o), price: N(o * 10) });
  await put('orders-n', { customer: S('c2'), order: N(1) });
  for (const o of ['10', '2', 'a', 'ab', 'b']) await put('orders-s', { customer: S('c1'), order: S(o) });
}, 60_000);

afterAll(async () => {
  sdk?.destroy();
  await lab?.stop();
});

describe('DynamoDB stand-in: composite keys and Query', { timeout: 60_000 }, () => {
  it('describes the composite key; a Query reads one partition in sort-key order, numbers as numbers, strings as bytes, backwards on request', async () => {
    const d = await sdk.send(new DescribeTableCommand({ TableName: 'orders-n' }));
    expect(d.Table?.KeySchema).toEqual([
      { AttributeName: 'customer', KeyType: 'HASH' },
      { AttributeName: 'order', KeyType: 'RANGE' },
    ]);
    expect(d.Table?.ItemCount).toBe(6);
    const c1 = { KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('c1') } };
    expect(await orders(c1)).toEqual(['-1', '0', '2', '2.5', '10']);
    expect(await orders({ ...c1, ScanIndexForward: false })).toEqual(['10', '2.5', '2', '0', '-1']);
    expect(await orders(c1, 'orders-s')).toEqual(['10', '2', 'a', 'ab', 'b']);
    const cond = (kce: string, values: Record<string, AttributeValue>, t = 'orders-n') => orders({ KeyConditionExpression: `customer = :c AND ${kce}`, ExpressionAttributeNames: { '#o': 'order' }, ExpressionAttributeValues: { ':c': S('c1'), ...values } }, t);
    expect(await orders({ KeyConditionExpression: 'customer = :c AND #o BETWEEN :a AND :b', ExpressionAttributeNames: { '#o': 'order' }, ExpressionAttributeValues: { ':c': S('c1'), ':a': N(0), ':b': N(2.5) } })).toEqual(['0', '2', '2.5']);
    expect(await cond('begins_with(#o, :p)', { ':p': S('a') }, 'orders-s')).toEqual(['a', 'ab']);
    expect(await cond('#o < :v', { ':v': N(2) })).toEqual(['-1', '0']);
    expect(await cond('#o >= :v', { ':v': N(2) })).toEqual(['2', '2.5', '10']);
  });

  it('Limit counts items evaluated before the filter; a page that reached it carries LastEvaluatedKey, even at the end; pages join up', async () => {
    const q = { TableName: 'orders-n', KeyConditionExpression: 'customer = :c', FilterExpression: 'price > :t', ExpressionAttributeValues: { ':c': S('c1'), ':t': N(0) } };
    const first = await sdk.send(new QueryCommand({ ...q, Limit: 2 }));
    // -1 and 0 evaluated, neither passes the filter.
    expect(first).toMatchObject({ Count: 0, ScannedCount: 2, Items: [], LastEvaluatedKey: { customer: S('c1'), order: N(0) } });
    const seen: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const p = await sdk.send(new QueryCommand({ ...q, Limit: 2, ...(start ? { ExclusiveStartKey: start } : {}) }));
      seen.push(...(p.Items ?? []).map((i) => i.order!.N!));
      start = p.LastEvaluatedKey;
      pages++;
    } while (start);
    expect(seen).toEqual(['2', '2.5', '10']);
    // 5 items, 2 a page: the third page reached no Limit, so no key.
    expect(pages).toBe(3);
    const exact = await sdk.send(new QueryCommand({ TableName: 'orders-n', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('c2') }, Limit: 1 }));
    expect(exact.LastEvaluatedKey).toEqual({ customer: S('c2'), order: N(1) });
    const after = await sdk.send(new QueryCommand({ TableName: 'orders-n', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('c2') }, Limit: 1, ExclusiveStartKey: exact.LastEvaluatedKey }));
    expect(after).toMatchObject({ Count: 0, ScannedCount: 0, Items: [] });
    expect(after.LastEvaluatedKey).toBeUndefined();
    const counted = await sdk.send(new QueryCommand({ ...q, Select: 'COUNT' }));
    expect(counted).toMatchObject({ Count: 3, ScannedCount: 5 });
    expect(counted.Items).toBeUndefined();
  });

  it('a page stops at 1 MB read, with LastEvaluatedKey', async () => {
    const big = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 8; i++) await put('orders-n', { customer: S('big'), order: N(i), blob: S(big) });
    const p = await sdk.send(new QueryCommand({ TableName: 'orders-n', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('big') }, ProjectionExpression: 'customer, #o', ExpressionAttributeNames: { '#o': 'order' } }));
    expect(p.Count).toBe(6);
    expect(p.LastEvaluatedKey).toEqual({ customer: S('big'), order: N(5) });
  });

  it('refuses what DynamoDB refuses, naming it', async () => {
    // `order` is a reserved word: named through #o (the first case is the bare word, refused).
    const q = (input: Record<string, unknown>) => error(sdk.send(new QueryCommand({ TableName: 'orders-n', ...(String(input.KeyConditionExpression ?? '').includes('#o') || String(input.FilterExpression ?? '').includes('#o') ? { ExpressionAttributeNames: { '#o': 'order' } } : {}), ...input } as QueryCommandInput)));
    const c = { ':c': S('c1') };
    const cases: [string, Promise<{ name: string; message: string }>, RegExp][] = [
      ['a reserved word', q({ KeyConditionExpression: 'customer = :c AND order = :o', ExpressionAttributeValues: { ...c, ':o': N(1) } }), /Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: order/],
      ['no partition key', q({ KeyConditionExpression: '#o = :o', ExpressionAttributeValues: { ':o': N(1) } }), /missed key schema element: customer/],
      ['a non-key attribute', q({ KeyConditionExpression: 'customer = :c AND price = :t', ExpressionAttributeValues: { ...c, ':t': N(1) } }), /missed key schema element/],
      ['begins_with on a number', q({ KeyConditionExpression: 'customer = :c AND begins_with(#o, :o)', ExpressionAttributeValues: { ...c, ':o': N(1) } }), /begins_with, operand type: N/],
      ['the partition key not by =', q({ KeyConditionExpression: 'customer > :c', ExpressionAttributeValues: c }), /Query key condition not supported/],
      ['a value of the wrong type', q({ KeyConditionExpression: 'customer = :c AND #o = :o', ExpressionAttributeValues: { ...c, ':o': S('1') } }), /type does not match schema/],
      ['a filter on the key', q({ KeyConditionExpression: 'customer = :c', FilterExpression: '#o > :o', ExpressionAttributeValues: { ...c, ':o': N(1) } }), /non-primary key attributes: Primary key attribute: order/],
      ['Limit 0', q({ KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: c, Limit: 0 }), /limit.*greater than or equal to 1/],
      ['an index', q({ IndexName: 'by-total', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: c }), /no secondary indexes/],
      ['a start key from another partition', q({ KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: c, ExclusiveStartKey: { customer: S('c2'), order: N(1) } }), /outside query boundaries/],
      ['a start key missing the sort key', q({ KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: c, ExclusiveStartKey: { customer: S('c1') } }), /does not match the schema/],
      ['a projection with Select ALL_ATTRIBUTES', q({ KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: c, Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'price' }), /Cannot specify the ProjectionExpression/],
      ['a put without the sort key', error(put('orders-n', { customer: S('c9') })), /Missing the key order/],
      ['a sort key named like the partition key', error(sdk.send(new CreateTableCommand({ TableName: 'twice', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'a', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }] }))), /same name/],
    ];
    for (const [what, answer, message] of cases) {
      const e = await answer;
      expect({ what, name: e.name }).toEqual({ what, name: 'ValidationException' });
      expect(e.message, what).toMatch(message);
    }
  });
});

describe('DynamoDB stand-in: Scan', { timeout: 60_000 }, () => {
  it('Segments partition the table (every item in exactly one), and a segment pages to its end', async () => {
    const all = (await sdk.send(new ScanCommand({ TableName: 'orders-s' }))).Items!.map((i) => i.order!.S!).sort();
    expect(all).toEqual(['10', '2', 'a', 'ab', 'b']);
    await put('orders-s', { customer: S('c2'), order: S('z') });
    await put('orders-s', { customer: S('c3'), order: S('z') });
    const union: string[] = [];
    for (let segment = 0; segment < 3; segment++) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const p = await sdk.send(new ScanCommand({ TableName: 'orders-s', Segment: segment, TotalSegments: 3, Limit: 1, ...(start ? { ExclusiveStartKey: start } : {}) }));
        union.push(...(p.Items ?? []).map((i) => `${i.customer!.S}/${i.order!.S}`));
        start = p.LastEvaluatedKey;
      } while (start);
    }
    expect(union.sort()).toEqual(['c1/10', 'c1/2', 'c1/a', 'c1/ab', 'c1/b', 'c2/z', 'c3/z']);
    expect((await error(sdk.send(new ScanCommand({ TableName: 'orders-s', Segment: 3, TotalSegments: 3 })))).message).toMatch(/must be less than parameter TotalSegments/);
    expect((await error(sdk.send(new ScanCommand({ TableName: 'orders-s', Segment: 0 })))).message).toMatch(/TotalSegments parameter is required/);
  });
});

describe('DynamoDB stand-in: transactions', { timeout: 60_000 }, () => {
  const bump = (customer: string) => ({ Update: { TableName: 'orders-s', Key: { customer: S(customer), order: S('counter') }, UpdateExpression: 'SET n = if_not_exists(n, :z) + :one', ExpressionAttributeValues: { ':z': N(0), ':one': N(1) } } });
  const counter = async (customer: string) => {
    const r = await sdk.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'orders-s', Key: { customer: S(customer), order: S('counter') } } }] }));
    return r.Responses?.[0]?.Item?.n?.N;
  };

  it('writes every action or none: a failed condition cancels the rest, each action with its reason', async () => {
    const newOrder = (id: string) => ({ Put: { TableName: 'orders-s', Item: { customer: S('t1'), order: S(id) }, ConditionExpression: 'attribute_not_exists(#o)', ExpressionAttributeNames: { '#o': 'order' } } });
    await sdk.send(new TransactWriteItemsCommand({ TransactItems: [newOrder('o1'), bump('t1')] }));
    expect(await counter('t1')).toBe('1');
    // The same order again: its condition fails, the counter is not bumped.
    const e = await error(sdk.send(new TransactWriteItemsCommand({ TransactItems: [bump('t1'), { ...newOrder('o1'), Put: { ...newOrder('o1').Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }] })));
    expect(e.name).toBe('TransactionCanceledException');
    expect(e.message).toMatch(/\[None, ConditionalCheckFailed\]/);
    expect(e.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { customer: S('t1'), order: S('o1') } }]);
    expect(await counter('t1')).toBe('1');
    // An update that cannot apply to the item as it is: a ValidationError reason, nothing written.
    const v = await error(sdk.send(new TransactWriteItemsCommand({ TransactItems: [newOrder('o2'), { Update: { TableName: 'orders-s', Key: { customer: S('t1'), order: S('counter') }, UpdateExpression: 'SET n = ghost + :one', ExpressionAttributeValues: { ':one': N(1) } } }] })));
    expect(v.CancellationReasons).toMatchObject([{ Code: 'None' }, { Code: 'ValidationError' }]);
    const got = await sdk.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'orders-s', Key: { customer: S('t1'), order: S('o2') } } }, { Get: { TableName: 'orders-s', Key: { customer: S('t1'), order: S('o1') } } }] }));
    expect(got.Responses).toEqual([{}, { Item: { customer: S('t1'), order: S('o1') } }]);
  });

  it('a retried transaction with the same ClientRequestToken applies once; the token with another request is refused', async () => {
    const ClientRequestToken = 'retry-of-one-transaction';
    await sdk.send(new TransactWriteItemsCommand({ ClientRequestToken, TransactItems: [bump('t2')] }));
    await sdk.send(new TransactWriteItemsCommand({ ClientRequestToken, TransactItems: [bump('t2')] }));
    expect(await counter('t2')).toBe('1');
    expect((await error(sdk.send(new TransactWriteItemsCommand({ ClientRequestToken, TransactItems: [bump('t3')] })))).name).toBe('IdempotentParameterMismatchException');
    // Without a token the SDK fills one in per call (a retry inside the SDK keeps it): two calls, two bumps.
    await sdk.send(new TransactWriteItemsCommand({ TransactItems: [bump('t4')] }));
    await sdk.send(new TransactWriteItemsCommand({ TransactItems: [bump('t4')] }));
    expect(await counter('t4')).toBe('2');
  });

  it('refuses one item twice, and more than 100 actions', async () => {
    expect((await error(sdk.send(new TransactWriteItemsCommand({ TransactItems: [bump('t5'), bump('t5')] })))).message).toMatch(/multiple operations on one item/);
    const many = Array.from({ length: 101 }, (_, i) => bump(`m${i}`));
    expect((await error(sdk.send(new TransactWriteItemsCommand({ TransactItems: many })))).message).toMatch(/less than or equal to 100/);
  });
});

describe("DynamoDB stand-in: a table's own capacity (POST /_lab/capacity, the set-up API)", { timeout: 60_000 }, () => {
  const setUp = async (body: string) => {
    const fe = lab.topology.dynamodb.frontends[0]!;
    const r = await request(`http://${fe.address}:${fe.port}/_lab/capacity`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body });
    return { status: r.statusCode, body: await r.body.text() };
  };

  it('refuses a broken body naming the field, and a table given 1 worker × 300 ms is served that slowly', async () => {
    expect(await setUp('{"table": "orders-s", "workers": 0, "serviceTimeMs": 5}')).toMatchObject({ status: 400, body: expect.stringMatching(/workers: /) });
    expect(await setUp('{"table": "orders-s", "workers": 1, "serviceTimeMs": 5, "queue": 3}')).toMatchObject({ status: 400, body: expect.stringMatching(/queue|Unrecognized/) });
    expect((await setUp('{"table": ')).status).toBe(400);
    const t0 = performance.now();
    await sdk.send(new QueryCommand({ TableName: 'orders-n', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('c2') } }));
    const before = performance.now() - t0;
    expect(await setUp('{"table": "orders-n", "workers": 1, "serviceTimeMs": 300}')).toMatchObject({ status: 200 });
    const t1 = performance.now();
    await sdk.send(new QueryCommand({ TableName: 'orders-n', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('c2') } }));
    const after = performance.now() - t1;
    expect(before).toBeLessThan(200);
    expect(after).toBeGreaterThanOrEqual(290);
  });
});
