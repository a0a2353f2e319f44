/**
 * Provisioned tables on the real stand-in, through the real AWS SDK: an empty bucket answers
 * ProvisionedThroughputExceededException (the SDK's throttling error), saved capacity serves a
 * burst, and the SDK's adaptive retry mode slows its own sending on a throttled table while the
 * standard mode keeps sending — measured on the stand-in's arrival count per client
 * (`dynamodb_client_requests_total`, the figure every run's history scrapes each second).
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../../core/model-config.ts';
import { Lab } from '../../lab/lab.ts';
import { sleep } from '../../lab/proc.ts';
import { testSettings } from '../../lab/testing.ts';
import { LAB_CREDENTIALS } from '../common/dynamodb-client.ts';

const SLOT = 223;
// Plenty of workers: only the buckets limit these tables.
const CONFIG = ModelConfigSchema.parse({ dynamodb: { workers: 64, serviceTimeMs: 1 } });
let lab: Lab;
let url: string;
const clients: DynamoDBClient[] = [];

const client = (who: string, extra: Record<string, unknown> = {}) => {
  const c = new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: LAB_CREDENTIALS(`outage-lab.${who}`), ...extra });
  clients.push(c);
  return c;
};

async function limitedTable(name: string, limit: { provisioned: Record<string, number> } | { onDemand: Record<string, number> }): Promise<void> {
  const admin = client('lab-admin', { credentials: LAB_CREDENTIALS('outage-lab') });
  await admin.send(new CreateTableCommand({ TableName: name, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  const r = await request(`${url}_lab/capacity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: name, ...limit }) });
  expect(r.statusCode, await r.body.text()).toBe(200);
}
const provisionedTable = (name: string, provisioned: Record<string, number>) => limitedTable(name, { provisioned });

/** The stand-in's arrival count for a client. */
async function arrivals(who: string): Promise<number> {
  const text = await (await request(`${url}metrics`)).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`dynamodb_client_requests_total{client="${who}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);

beforeAll(async () => {
  lab = await Lab.start(testSettings(SLOT), { log: () => {}, ephemeral: true, only: ['redis', 'dynamodb'], config: CONFIG });
  const fe = lab.topology.dynamodb.frontends[0]!;
  url = `http://${fe.address}:${fe.port}/`;
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await lab?.stop();
});

describe('a provisioned table on the stand-in', { timeout: 90_000 }, () => {
  it('serves a burst from saved capacity, then answers ProvisionedThroughputExceededException until the bucket refills', async () => {
    await provisionedTable('burst', { readCapacityUnits: 10, writeCapacityUnits: 10, initialBurstSeconds: 10 });
    const c = client('burst', { maxAttempts: 1 });
    const get = () => outcome(c.send(new GetItemCommand({ TableName: 'burst', Key: { pk: { S: 'a' } } })));
    // 100 units saved (10 s of 10 RCU): a burst of 100 reads at once is served.
    const burst = await Promise.all(Array.from({ length: 100 }, get));
    expect(burst.filter((o) => o === 'ok')).toHaveLength(100);
    // The bucket is now empty: the next 20 are refused (bar the few units refilled meanwhile).
    const after = await Promise.all(Array.from({ length: 20 }, get));
    expect(after.filter((o) => o === 'ProvisionedThroughputExceededException').length).toBeGreaterThanOrEqual(15);
    // Two seconds refill 20 units.
    await sleep(2000);
    const refilled = await Promise.all(Array.from({ length: 20 }, get));
    expect(refilled.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(15);
  });

  it('an on-demand table above its maximum answers ThrottlingException at once, with its reason, and serves its maximum a second', async () => {
    await limitedTable('capped', { onDemand: { maxReadRequestUnits: 20 } });
    const c = client('capped', { maxAttempts: 1 });
    const get = () => c.send(new GetItemCommand({ TableName: 'capped', Key: { pk: { S: 'a' } } })).then(() => 'ok', (e: Error & { throttlingReasons?: unknown }) => e);
    // Its first second: 20 units, then refusals — quick ones, not queued.
    const t0 = performance.now();
    const first = await Promise.all(Array.from({ length: 40 }, get));
    const took = performance.now() - t0;
    expect(first.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(20);
    expect(first.filter((o) => o === 'ok').length).toBeLessThanOrEqual(24);
    const refused = first.filter((o): o is Error & { throttlingReasons?: unknown } => o !== 'ok');
    expect(refused.every((e) => e.name === 'ThrottlingException'), refused.map((e) => e.name).join(',')).toBe(true);
    expect(refused[0]!.throttlingReasons).toEqual([{ reason: 'TableReadMaxOnDemandThroughputExceeded', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/capped' }]);
    expect(took).toBeLessThan(1000);
    // Writes have no maximum here; a second later, reads are served again.
    await sleep(1100);
    expect((await Promise.all(Array.from({ length: 15 }, get))).filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(15);
    // Bad input names the field.
    const bad = await request(`${url}_lab/capacity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: 'capped', onDemand: { maxReadRequestUnits: 5 }, provisioned: { readCapacityUnits: 1, writeCapacityUnits: 1 } }) });
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.text()).toMatch(/onDemand: a table is provisioned or on-demand/);
  });

  it("the SDK's adaptive mode slows its own sending on a throttled table; the standard mode does not", async () => {
    const RATE = 60; // offered reads per second, three times the tables' 20 RCU
    const SECONDS = 10;
    await provisionedTable('standard', { readCapacityUnits: 20, writeCapacityUnits: 20 });
    await provisionedTable('adaptive', { readCapacityUnits: 20, writeCapacityUnits: 20 });
    const arms = { standard: client('standard', { retryMode: 'standard' }), adaptive: client('adaptive', { retryMode: 'adaptive' }) };
    const perSecond: Record<string, number[]> = { standard: [], adaptive: [] };
    const pending: Promise<string>[] = [];
    const started = performance.now();
    let sent = 0;
    let last = { standard: 0, adaptive: 0 };
    while (performance.now() - started < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE);
      for (; sent < due; sent++) {
        for (const [name, c] of Object.entries(arms)) pending.push(outcome(c.send(new GetItemCommand({ TableName: name, Key: { pk: { S: `k${sent}` } } }))));
      }
      if (Math.floor((performance.now() - started) / 1000) > perSecond.standard!.length) {
        const now = { standard: await arrivals('standard'), adaptive: await arrivals('adaptive') };
        perSecond.standard!.push(now.standard - last.standard);
        perSecond.adaptive!.push(now.adaptive - last.adaptive);
        last = now;
      }
      await sleep(5);
    }
    console.log(`[provisioned.test] calls arriving per second at 20 RCU, ${RATE} offered/s: standard ${perSecond.standard!.join(' ')}; adaptive ${perSecond.adaptive!.join(' ')}`);
    // The adaptive client still holds most of what was offered in its own queue: not waited for.
    await Promise.race([Promise.all(pending), sleep(3000)]);
    // The premise: both tables throttled (the standard one keeps hitting the empty bucket).
    const throttled = (await (await request(`${url}metrics`)).body.text()).split('\n').filter((l) => l.startsWith('dynamodb_throttled_total{'));
    expect(throttled.some((l) => l.includes('table="standard"')), throttled.join('\n')).toBe(true);
    expect(throttled.some((l) => l.includes('table="adaptive"')), throttled.join('\n')).toBe(true);
    // Over the run: the standard mode sends at least what is offered (its retries on top); the
    // adaptive one cuts its own rate at the first throttle and then probes around the table's 20
    // RCU (CUBIC: measured 3 1 3 6 16 36 64 35 21 a second), well under what is offered.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(perSecond.standard!)).toBeGreaterThanOrEqual(RATE * 0.9);
    expect(mean(perSecond.adaptive!)).toBeLessThan(RATE * 0.6);
    expect(mean(perSecond.adaptive!)).toBeGreaterThan(0);
  });
});
