// orders — a small real service on DynamoDB, written with the AWS SDK for JavaScript v3
// (@aws-sdk/client-dynamodb). Nothing in it knows about outage-lab: it reads the endpoint,
// region and credentials the way every AWS SDK does (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION,
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), and its retry behaviour from the SDK's own
// settings (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS).
//
//   GET  /orders/{customer}   the customer's latest 20 orders (a Query on the composite key)
//   POST /orders              {"customer": "c1", "amount": 12}: a conditional put of a new order,
//                             then a transaction that bumps the customer's order count (and
//                             checks the order is there)
//   GET  /health              200 once the process serves
//
// ORDERS_NAIVE_RETRY=N turns the SDK's retries off (maxAttempts 1) and retries each DynamoDB call
// up to N more times at once, without backoff — the hand-written loop many services really have.
// ORDERS_DYNAMODB_TIMEOUT_MS=T gives up on a DynamoDB call after T ms (the SDK's requestTimeout;
// none by default), as services with a latency budget do. In @smithy/node-http-handler 4.14
// requestTimeout alone only logs a warning; throwOnRequestTimeout makes it fail the call.
// ORDERS_ABORT_ON_HANGUP=1 gives every DynamoDB call the request's abortSignal, aborted when the
// caller hangs up before the answer: a call in flight is cut, and one still waiting (for a retry's
// backoff, or the adaptive mode's rate limiter — whose token it has taken by then) is dropped by
// the HTTP handler rather than sent for nobody (off by default; docs/your-service.md).
// ORDERS_RETRIES_PRE_2026=1 runs the SDK's retries with the code from before the 2026 retry
// update: @smithy/core 3.39.0 (installed beside the current one as the npm alias
// smithy-core-pre-2026), whose standard and adaptive modes retry a timeout for 10 quota tokens and
// anything else for 5, from a 100 ms base, 3 attempts — what this client did by default until
// @smithy/core 3.40.0 made the 2026 rules unconditional (AWS_RETRY_MODE and AWS_MAX_ATTEMPTS
// still choose the mode and the attempts).
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

const ORDERS = process.env.ORDERS_TABLE ?? 'orders';
const COUNTS = process.env.COUNTS_TABLE ?? 'order-counts';
const NAIVE = Number(process.env.ORDERS_NAIVE_RETRY ?? 0);
const TIMEOUT_MS = Number(process.env.ORDERS_DYNAMODB_TIMEOUT_MS ?? 0);
const ABORT_ON_HANGUP = process.env.ORDERS_ABORT_ON_HANGUP === '1';
const PRE_2026 = process.env.ORDERS_RETRIES_PRE_2026 === '1';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);

// The SDK's retries before the 2026 update: the mode AWS_RETRY_MODE names, from @smithy/core 3.39.0.
async function pre2026Retries() {
  const { AdaptiveRetryStrategy, StandardRetryStrategy } = await import('smithy-core-pre-2026/retry');
  const attempts = Number(process.env.AWS_MAX_ATTEMPTS) || 3;
  return { retryStrategy: process.env.AWS_RETRY_MODE === 'adaptive' ? new AdaptiveRetryStrategy(attempts, {}) : new StandardRetryStrategy({ maxAttempts: attempts }) };
}

// The SDK's own defaults unless the hand-written loop (or the pre-2026 code) is on.
const db = new DynamoDBClient({
  ...(NAIVE > 0 ? { maxAttempts: 1 } : PRE_2026 ? await pre2026Retries() : {}),
  ...(TIMEOUT_MS > 0 ? { requestHandler: { requestTimeout: TIMEOUT_MS, throwOnRequestTimeout: true } } : {}),
});

async function call(command, signal) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.send(command, signal ? { abortSignal: signal } : undefined);
    } catch (err) {
      if (attempt >= NAIVE || signal?.aborted) throw err;
    }
  }
}

async function listOrders(customer, signal) {
  const out = await call(
    new QueryCommand({
      TableName: ORDERS,
      KeyConditionExpression: 'customer = :c',
      ExpressionAttributeValues: { ':c': { S: customer } },
      ScanIndexForward: false,
      Limit: 20,
    }),
    signal,
  );
  return (out.Items ?? []).map((i) => ({ order: i.order.S, amount: Number(i.amount?.N ?? 0) }));
}

async function placeOrder(customer, amount, signal) {
  const order = randomUUID();
  await call(
    new PutItemCommand({
      TableName: ORDERS,
      Item: { customer: { S: customer }, order: { S: order }, amount: { N: String(amount) } },
      // `order` is a reserved word in DynamoDB's expressions: it goes through a placeholder.
      ConditionExpression: 'attribute_not_exists(#o)',
      ExpressionAttributeNames: { '#o': 'order' },
    }),
    signal,
  );
  await call(
    new TransactWriteItemsCommand({
      TransactItems: [
        { ConditionCheck: { TableName: ORDERS, Key: { customer: { S: customer }, order: { S: order } }, ConditionExpression: 'attribute_exists(#o)', ExpressionAttributeNames: { '#o': 'order' } } },
        { Update: { TableName: COUNTS, Key: { customer: { S: customer } }, UpdateExpression: 'SET placed = if_not_exists(placed, :zero) + :one', ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } } } },
      ],
    }),
    signal,
  );
  return order;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req) {
  let raw = '';
  for await (const c of req) raw += c;
  return JSON.parse(raw || '{}');
}

/** A signal aborted when the caller hangs up before the answer is written. */
function abortedOnHangup(res) {
  const hangup = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) hangup.abort();
  });
  return hangup.signal;
}

const server = createServer(async (req, res) => {
  const signal = ABORT_ON_HANGUP ? abortedOnHangup(res) : undefined;
  try {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true });
    const m = /^\/orders\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) return send(res, 200, { orders: await listOrders(decodeURIComponent(m[1]), signal) });
    if (req.method === 'POST' && url.pathname === '/orders') {
      const body = await readJson(req);
      if (typeof body.customer !== 'string' || typeof body.amount !== 'number') return send(res, 400, { error: 'customer (a string) and amount (a number)' });
      return send(res, 201, { order: await placeOrder(body.customer, body.amount, signal) });
    }
    send(res, 404, { error: 'not found' });
  } catch (err) {
    // What the SDK raised, as a responder would see it in this service's answers and logs.
    console.error(`orders: ${err.name}: ${err.message}`);
    send(res, 503, { error: `${err.name}: ${err.message}` });
  }
});

server.listen(port, host, () => console.log(`orders (node, @aws-sdk/client-dynamodb) listening on ${host}:${port}${NAIVE ? `, hand-written retry ×${NAIVE}` : ''}${TIMEOUT_MS ? `, DynamoDB calls time out after ${TIMEOUT_MS} ms` : ''}${ABORT_ON_HANGUP ? ', calls aborted when the caller hangs up' : ''}${PRE_2026 && !NAIVE ? `, retries from @smithy/core 3.39.0 (before the 2026 update, ${process.env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard'})` : ''}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
