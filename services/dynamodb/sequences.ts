/**
 * The stand-in's own set-up API (`POST /_lab/sequence`), outside DynamoDB's protocol and outside
 * the capacity model: a fleet that was running before the experiment has its items in the table
 * already. A *sequence* is items whose key is a prefix and a number i (droplet-0 … droplet-999999)
 * and whose other attributes are the same except one number that grows with i. DWFM writes its
 * leases this way at start and reads their expiries back after a restart; only this module knows
 * how the stand-in lays items out in Redis. 20,000 items per Lua script, so Redis keeps answering
 * everyone else in between.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { itemRedisKey, type Tables } from './tables.ts';
import type { Route } from '../common/http.ts';

const CHUNK = 20_000;

const Key = z.object({ name: z.string().min(1), prefix: z.string().min(1) }).strict();
const SequenceRequest = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('put'),
      table: z.string().min(1),
      key: Key,
      from: z.number().int().min(0),
      to: z.number().int().min(0),
      /** Attributes every item has (DynamoDB's JSON, e.g. {"holder": {"S": "dwfm"}}). */
      item: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      /** The number attribute of item i: start + i × step, written with 3 decimals. */
      number: z.object({ name: z.string().min(1), start: z.number(), step: z.number() }).strict(),
    })
    .strict(),
  z.object({ op: z.literal('get'), table: z.string().min(1), key: Key, from: z.number().int().min(0), to: z.number().int().min(0), attribute: z.string().min(1) }).strict(),
]);
export type SequenceRequest = z.input<typeof SequenceRequest>;

const PUT = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do
  local n = tonumber(ARGV[4]) + i * tonumber(ARGV[5])
  redis.call('SET', ARGV[3] .. i, ARGV[6] .. i .. ARGV[7] .. string.format('%.3f', n) .. ARGV[8])
end
return 1`;
const GET = `local out = {} for i = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do out[#out + 1] = redis.call('GET', ARGV[3] .. i) or '' end return out`;

/** Writes or reads a sequence; answers {written} or {values} (0 where an item or its attribute is missing). */
export async function runSequence(redis: Redis, tables: Tables, body: unknown): Promise<{ status: number; body: unknown }> {
  const r = SequenceRequest.safeParse(body);
  if (!r.success) return { status: 400, body: { error: `${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message}` } };
  const q = r.data;
  const t = await tables.find(q.table);
  if (!t) return { status: 404, body: { error: `no table ${q.table}` } };
  if (t.hashKey !== q.key.name || t.hashType !== 'S') return { status: 400, body: { error: `key: table ${q.table}'s key is ${t.hashKey} (${t.hashType}); a sequence's key is a string attribute` } };
  // ddb:item:<table>:S:<prefix> — the key of item i is that plus i.
  const keyPrefix = itemRedisKey(t, { S: q.key.prefix });
  if (q.op === 'put') {
    // The stored JSON of item i, in four parts around i and the number: {"<key>":{"S":"<prefix>i"},…,"<number>":{"N":"<n>"}}
    const rest = Object.entries(q.item).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('');
    const head = `{${JSON.stringify(q.key.name)}:{"S":${JSON.stringify(q.key.prefix).slice(0, -1)}`;
    const mid = `"}${rest},${JSON.stringify(q.number.name)}:{"N":"`;
    for (let from = q.from; from < q.to; from += CHUNK) {
      await redis.eval(PUT, 0, from, Math.min(q.to, from + CHUNK), keyPrefix, q.number.start, q.number.step, head, mid, '"}}');
    }
    return { status: 200, body: { written: Math.max(0, q.to - q.from) } };
  }
  const values: number[] = [];
  for (let from = q.from; from < q.to; from += CHUNK) {
    const raw = (await redis.eval(GET, 0, from, Math.min(q.to, from + CHUNK), keyPrefix)) as string[];
    for (const v of raw) {
      const n = v ? (JSON.parse(v) as Record<string, { N?: string } | undefined>)[q.attribute]?.N : undefined;
      values.push(n === undefined ? 0 : Number(n));
    }
  }
  return { status: 200, body: { values } };
}

/** The route (JSON in, JSON out, through the services' own router). */
export function sequenceRoute(redis: Redis, tables: Tables): Route {
  return { method: 'POST', path: /^\/_lab\/sequence$/, handler: (c) => runSequence(redis, tables, c.body) };
}
