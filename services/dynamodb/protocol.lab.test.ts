/**
 * The stand-in's protocol at the edges, on the real service: what it cannot parse gets DynamoDB's
 * SerializationException / ValidationException / UnknownOperationException shape and never a
 * crash (the service still serves afterwards); the capacity model answers a batch it has no room
 * for with UnprocessedItems, and a request it has no room for with
 * ProvisionedThroughputExceededException, both of which the SDK names.
 */
import { BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab/lab.ts';
import { ModelConfigSchema } from '../../core/model-config.ts';
import { Lab as LabClass } from '../../lab/lab.ts';
import { testSettings } from '../../lab/testing.ts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DynamoClient, LAB_CREDENTIALS } from '../common/dynamodb-client.ts';

const SLOT = 217;
// One worker at 40 ms an item and room for 30 queued items: a table that is easy to fill.
const CONFIG = ModelConfigSchema.parse({ dynamodb: { workers: 1, serviceTimeMs: 40, queueLimit: 30 } });
let lab: Lab;
let url: string;
let sdk: DynamoDBClient;

const SIGNED = 'AWS4-HMAC-SHA256 Credential=outage-lab/20261201/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=' + '0'.repeat(64);

async function raw(body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; type: string; message: string }> {
  const r = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', authorization: SIGNED, ...headers },
    body,
  });
  const text = await r.body.text();
  const parsed = JSON.parse(text) as { __type: string; message: string };
  return { status: r.statusCode, type: parsed.__type.split('#')[1]!, message: parsed.message };
}

beforeAll(async () => {
  lab = await LabClass.start(testSettings(SLOT), { log: () => {}, ephemeral: true, only: ['redis', 'dynamodb'], config: CONFIG });
  const fe = lab.topology.dynamodb.frontends[0]!;
  url = `http://${fe.address}:${fe.port}/`;
  sdk = new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: LAB_CREDENTIALS('outage-lab'), maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  sdk?.destroy();
  await lab?.stop();
});

describe('DynamoDB protocol: malformed requests', { timeout: 60_000 }, () => {
  it("answers each in DynamoDB's error shape, and keeps serving", async () => {
    const cases: [string, Promise<{ status: number; type: string; message: string }>, string, RegExp][] = [
      ['malformed JSON', raw('{"TableName": "customers", "Key": '), 'SerializationException', /not valid JSON/],
      ['a JSON array', raw('[1,2]'), 'SerializationException', /JSON object/],
      ['an unknown target', raw('{}', { 'x-amz-target': 'DynamoDB_20120810.DropEverything' }), 'UnknownOperationException', /DropEverything/],
      ['another service\'s target', raw('{}', { 'x-amz-target': 'AmazonSQS.SendMessage' }), 'UnknownOperationException', /AmazonSQS/],
      ['no target', raw('{}', { 'x-amz-target': '' }), 'UnknownOperationException', /no X-Amz-Target/],
      ['the wrong content type', raw('{}', { 'content-type': 'text/plain' }), 'SerializationException', /content type/],
      ['no signature', raw('{}', { authorization: '' }), 'MissingAuthenticationTokenException', /Authentication Token/],
      ['another access key', raw('{}', { authorization: SIGNED.replace('outage-lab/', 'AKIAOTHER/') }), 'UnrecognizedClientException', /security token/],
      ['a key of the wrong type', raw(JSON.stringify({ TableName: 'customers', Key: { pk: { N: '1' } } })), 'ValidationException', /key element does not match the schema/],
      ['an attribute value with two types', raw(JSON.stringify({ TableName: 'customers', Key: { pk: { S: 'a', N: '1' } } })), 'ValidationException', /more than one datatypes/],
      ['a number that is not one', raw(JSON.stringify({ TableName: 'customers', Item: { pk: { S: 'a' }, n: { N: 'twelve' } } }), { 'x-amz-target': 'DynamoDB_20120810.PutItem' }), 'ValidationException', /numeric value/],
      ['an oversized batch', raw(JSON.stringify({ RequestItems: { customers: Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `k${i}` } } } })) } }), { 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' }), 'ValidationException', /at most 25/],
      ['a batch writing one key twice', raw(JSON.stringify({ RequestItems: { customers: [0, 1].map(() => ({ PutRequest: { Item: { pk: { S: 'twice' } } } })) } }), { 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' }), 'ValidationException', /contains duplicates/],
      ['a condition that does not parse', raw(JSON.stringify({ TableName: 'customers', Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk' }), { 'x-amz-target': 'DynamoDB_20120810.PutItem' }), 'ValidationException', /Invalid ConditionExpression/],
      ['a condition with an unknown function', raw(JSON.stringify({ TableName: 'customers', Item: { pk: { S: 'a' } }, ConditionExpression: 'is_there(pk)' }), { 'x-amz-target': 'DynamoDB_20120810.PutItem' }), 'ValidationException', /Invalid function name/],
      ['a placeholder that is not given', raw(JSON.stringify({ TableName: 'customers', Item: { pk: { S: 'a' } }, ConditionExpression: 'n = :v' }), { 'x-amz-target': 'DynamoDB_20120810.PutItem' }), 'ValidationException', /:v/],
      ['a table that does not exist', raw(JSON.stringify({ TableName: 'nope-table', Key: { pk: { S: 'a' } } })), 'ResourceNotFoundException', /not found/],
      ['a body over 16 MB', raw(Buffer.alloc(17 * 1024 * 1024, 0x20)), 'ValidationException', /16 MB/],
    ];
    for (const [what, answer, type, message] of cases) {
      const a = await answer;
      expect({ what, status: a.status, type: a.type }).toEqual({ what, status: 400, type });
      expect(a.message, what).toMatch(message);
    }
    // Still serving, through the SDK.
    await sdk.send(new PutItemCommand({ TableName: 'customers', Item: { pk: { S: 'after' }, n: { N: '1' } } }));
    const got = await sdk.send(new GetItemCommand({ TableName: 'customers', Key: { pk: { S: 'after' } } }));
    expect(got.Item).toEqual({ pk: { S: 'after' }, n: { N: '1' } });
    const d = await sdk.send(new DescribeTableCommand({ TableName: 'leases' }));
    expect(d.Table).toMatchObject({ TableName: 'leases', TableStatus: 'ACTIVE', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] });
  });

  it('a table with no room answers a batch with UnprocessedItems and a request with ProvisionedThroughputExceededException', async () => {
    const batch = (from: number) =>
      sdk.send(new BatchWriteItemCommand({ RequestItems: { customers: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `b${from + i}` } } } })) } }));
    // One worker busy 1 s with the first batch; 30 items of room behind it: the second batch fits,
    // the third only in part, and a request after that not at all. Sent 150 ms apart, so they
    // arrive in that order.
    const pause = () => new Promise((r) => setTimeout(r, 150));
    const first = batch(0);
    await pause();
    const second = batch(100);
    await pause();
    const third = batch(200);
    await pause();
    const single = sdk.send(new GetItemCommand({ TableName: 'customers', Key: { pk: { S: 'x' } } })).then(
      (v) => ({ status: 'fulfilled' as const, value: v }),
      (reason: unknown) => ({ status: 'rejected' as const, reason }),
    );
    expect(await first).toMatchObject({ UnprocessedItems: {} });
    expect(await second).toMatchObject({ UnprocessedItems: {} });
    const left = (await third).UnprocessedItems?.customers ?? [];
    expect(left.length).toBe(20);
    expect(await single).toMatchObject({ status: 'rejected', reason: { name: 'ProvisionedThroughputExceededException' } });
  });
});

/** Items the table has served after their client stopped waiting, from the service's own /metrics. */
async function wastedItems(): Promise<number> {
  const text = await (await request(`${url}metrics`)).body.text();
  const m = /^dynamodb_items_total\{outcome="wasted",table="customers"[^}]*\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

describe('DynamoDB protocol: work whose client stopped waiting is still served (wasted)', { timeout: 60_000 }, () => {
  // One worker busy 1 s with a batch of 25; a put queued behind it cannot be answered within 300 ms.
  const busy = () => sdk.send(new BatchWriteItemCommand({ RequestItems: { customers: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `busy${i}` } } } })) } }));
  const written = async (pk: string) => (await sdk.send(new GetItemCommand({ TableName: 'customers', Key: { pk: { S: pk } } }))).Item !== undefined;

  it("the SDK's request timeout aborts the request (its socket destroyed), yet the server serves it once a worker is free", async () => {
    const aborting = new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: LAB_CREDENTIALS('outage-lab'), maxAttempts: 1, requestHandler: new NodeHttpHandler({ requestTimeout: 300, throwOnRequestTimeout: true }) });
    try {
      const before = await wastedItems();
      const batch = busy();
      await new Promise((r) => setTimeout(r, 50));
      const put = await aborting.send(new PutItemCommand({ TableName: 'customers', Item: { pk: { S: 'abandoned-by-abort' } } })).then(
        () => 'answered',
        (err: Error) => err.name,
      );
      expect(put).toBe('TimeoutError');
      await batch;
      await new Promise((r) => setTimeout(r, 150));
      expect(await written('abandoned-by-abort')).toBe(true);
      expect(await wastedItems()).toBe(before + 1);
    } finally {
      aborting.destroy();
    }
  });

  it("the lab's own timeout stops waiting without hanging up: the request keeps its socket, is served, and its late answer is discarded", async () => {
    const fe = lab.topology.dynamodb.frontends[0]!;
    const client = new DynamoClient({ name: fe.address, port: fe.port, sdk: { retryMode: 'none', maxAttempts: null, requestTimeoutMs: null, connectionTimeoutMs: null, maxSockets: 4 } });
    try {
      const before = await wastedItems();
      const batch = busy();
      await new Promise((r) => setTimeout(r, 50));
      const put = await client.put('customers', 'abandoned-by-waiting', {}, 300);
      expect(put).toMatchObject({ ok: false, error: 'timeout', attempts: 1 });
      expect(client.lateAnswers).toBe(0);
      await batch;
      await new Promise((r) => setTimeout(r, 150));
      expect(await written('abandoned-by-waiting')).toBe(true);
      expect(client.lateAnswers).toBe(1);
      expect(await wastedItems()).toBe(before + 1);
    } finally {
      await client.close();
    }
  });

  it('a deadline header that is not a number gets a ValidationException naming it', async () => {
    const r = await raw(JSON.stringify({ TableName: 'customers', Key: { pk: { S: 'x' } } }), { 'x-client-deadline': 'soon' });
    expect(r).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(r.message).toMatch(/x-client-deadline must be epoch milliseconds/);
  });

  it("the lab's set-up API (outside the protocol): a sequence of items written as PutItem stores them, read back, and bad requests named", async () => {
    const post = async (body: unknown) => {
      const r = await request(`${url}_lab/sequence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.statusCode, body: (await r.body.json()) as Record<string, unknown> };
    };
    const key = { name: 'pk', prefix: 'seq-' };
    const put = await post({ op: 'put', table: 'leases', key, from: 0, to: 5, item: { holder: { S: 'dwfm' } }, number: { name: 'expiresAt', start: 1000, step: 0.5 } });
    expect(put).toEqual({ status: 200, body: { written: 5 } });
    // What the protocol reads is what PutItem would have stored.
    const item = await sdk.send(new GetItemCommand({ TableName: 'leases', Key: { pk: { S: 'seq-3' } } }));
    expect(item.Item).toEqual({ pk: { S: 'seq-3' }, holder: { S: 'dwfm' }, expiresAt: { N: '1001.500' } });
    expect(await post({ op: 'get', table: 'leases', key, from: 3, to: 7, attribute: 'expiresAt' })).toEqual({ status: 200, body: { values: [1001.5, 1002, 0, 0] } });
    expect(await post({ op: 'put', table: 'nope', key, from: 0, to: 1, number: { name: 'n', start: 0, step: 1 } })).toMatchObject({ status: 404 });
    const bad = await post({ op: 'get', table: 'leases', key: { name: 'pk', prefix: '' }, from: 0, to: 1, attribute: 'x' });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/^key\.prefix: /);
  });
});

