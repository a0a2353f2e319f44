/**
 * A service's tables in the stand-in before it starts: created through DynamoDB's own protocol
 * (CreateTable with the file's key schema), given the file's capacity in the lab's model (the
 * stand-in's set-up API), and seeded with the file's items (BatchWriteItem, 25 a call, 16 calls at a
 * time, every unprocessed item sent again). Item templates are DynamoDB JSON whose strings may hold `{i}` and
 * `{i % n}` — item i of `count`.
 */
import { BatchWriteItemCommand, CreateTableCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { request } from 'undici';
import { UserError } from '../core/errors.ts';
import type { ServiceFile } from './service-file.ts';

type Table = ServiceFile['tables'][number];

/** Item i of a seed: `{i}` and `{i % n}` in every string of the template replaced. */
export function seedItem(template: Readonly<Record<string, unknown>>, i: number): Record<string, AttributeValue> {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{i(?:\s*%\s*(\d+))?\}/g, (_m, n?: string) => String(n === undefined ? i : i % Number(n)));
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(template) as Record<string, AttributeValue>;
}

async function createTable(client: DynamoDBClient, t: Table): Promise<void> {
  const keys = [t.partitionKey, ...(t.sortKey ? [t.sortKey] : [])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: t.name,
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (err) {
    throw new UserError(`table ${t.name}: the stand-in refused to create it: ${(err as Error).name}: ${(err as Error).message}`);
  }
}

/** Batches of 25 in flight at once while seeding: the stand-in serves a batch on one worker, so one at a time would leave the others idle. */
const SEED_CONCURRENCY = 16;

async function writeBatch(client: DynamoDBClient, t: Table, from: number, items: Record<string, AttributeValue>[]): Promise<void> {
  let pending = items;
  for (let round = 0; pending.length; round++) {
    if (round > 50) throw new UserError(`table ${t.name}: seeding stalled (the table's capacity keeps returning items unprocessed)`);
    let out;
    try {
      out = await client.send(new BatchWriteItemCommand({ RequestItems: { [t.name]: pending.map((Item) => ({ PutRequest: { Item } })) } }));
    } catch (err) {
      throw new UserError(`table ${t.name}: seed item ${from}: ${(err as Error).name}: ${(err as Error).message} (check seed.item against the key schema)`);
    }
    pending = (out.UnprocessedItems?.[t.name] ?? []).map((w) => w.PutRequest!.Item!);
    if (pending.length) await new Promise((r) => setTimeout(r, 20 * (round + 1)));
  }
}

async function seed(client: DynamoDBClient, t: Table): Promise<number> {
  if (!t.seed) return 0;
  const { count, item } = t.seed;
  let next = 0;
  const worker = async () => {
    for (let from = next; from < count; from = next) {
      next += 25;
      const batch: Record<string, AttributeValue>[] = [];
      for (let i = from; i < Math.min(count, from + 25); i++) batch.push(seedItem(item, i));
      await writeBatch(client, t, from, batch);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return count;
}

/** Creates, sizes and seeds every table of the files; the tables' names must be new to the stand-in. */
export async function prepareTables(client: DynamoDBClient, setupUrl: string, files: readonly ServiceFile[], log: (line: string) => void): Promise<void> {
  for (const f of files) {
    for (const t of f.tables) {
      await createTable(client, t);
      if (t.capacity || t.provisioned || t.onDemand) {
        const limit = t.provisioned ? { provisioned: t.provisioned } : t.onDemand ? { onDemand: t.onDemand } : {};
        const r = await request(`${setupUrl}/_lab/capacity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: t.name, ...t.capacity, ...limit }) });
        const body = await r.body.text();
        if (r.statusCode !== 200) throw new UserError(`table ${t.name}: capacity refused by the stand-in: ${body}`);
      }
      const n = await seed(client, t);
      log(`${f.name}: table ${t.name} (${[t.partitionKey, t.sortKey].filter(Boolean).map((k) => `${k!.name} ${k!.type}`).join(', ')})${t.capacity ? `, ${t.capacity.workers} workers × ${t.capacity.serviceTimeMs} ms` : ''}${t.provisioned ? `, provisioned ${t.provisioned.readCapacityUnits} RCU / ${t.provisioned.writeCapacityUnits} WCU` : ''}${t.onDemand ? `, on-demand at most ${t.onDemand.maxReadRequestUnits ?? '∞'} RRU / ${t.onDemand.maxWriteRequestUnits ?? '∞'} WRU` : ''}, ${n} items seeded`);
    }
  }
}

/** The units a second a table's throughput limit admits with no burst saved (none: unlimited, or a direction without a maximum). */
export function limitOf(t: Table): { limitPerSec?: number } {
  if (t.provisioned) return { limitPerSec: t.provisioned.readCapacityUnits + t.provisioned.writeCapacityUnits };
  const o = t.onDemand;
  if (o?.maxReadRequestUnits !== undefined && o.maxWriteRequestUnits !== undefined) return { limitPerSec: o.maxReadRequestUnits + o.maxWriteRequestUnits };
  return {};
}
