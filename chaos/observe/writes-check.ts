/**
 * The lost-writes checker: after the run, read back every acknowledged write straight from a
 * DynamoDB frontend (bypassing DNS and the fault points: this checks durability, not
 * availability) with the SDK, BatchGetItem 100 keys at a time, and count those whose item is
 * missing or different.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { AckedWrite } from '../../loadtests/customers.ts';
import { CUSTOMER_TABLE } from '../../loadtests/customers.ts';
import { DynamoClient } from '../../services/common/dynamodb-client.ts';
import type { Endpoint } from '../../topology/topology.ts';

export interface WritesResult {
  readonly acknowledged: number;
  readonly lost: number;
  readonly lostKeys: string[];
}

export async function checkWrites(frontend: Endpoint, acked: readonly AckedWrite[], accessKeyId = 'outage-lab'): Promise<WritesResult> {
  // Patient: a read that waits behind a collapsed queue is still a read.
  const client = new DynamoClient({ name: frontend.address, port: frontend.port, sdk: { retryMode: 'standard', maxAttempts: 10, requestTimeoutMs: 30_000, connectionTimeoutMs: 2000, maxSockets: 16 }, accessKeyId });
  const lostKeys: string[] = [];
  try {
    for (let i = 0; i < acked.length; i += 100) {
      const chunk = acked.slice(i, i + 100);
      let keys = chunk.map((w) => ({ pk: w.key }));
      const found = new Map<string, { seq?: number; at?: number }>();
      for (let round = 0; keys.length && round < 20; round++) {
        const out = await client.call(new BatchGetCommand({ RequestItems: { [CUSTOMER_TABLE]: { Keys: keys, ConsistentRead: true } } }));
        if (!out.ok) throw new Error(`reading back acknowledged writes failed: ${out.detail}`);
        const body = out.body as { Responses?: Record<string, { pk: string; seq?: number; at?: number }[]>; UnprocessedKeys?: Record<string, { Keys?: { pk: string }[] }> };
        for (const it of body.Responses?.[CUSTOMER_TABLE] ?? []) found.set(it.pk, it);
        keys = body.UnprocessedKeys?.[CUSTOMER_TABLE]?.Keys ?? [];
      }
      for (const w of chunk) {
        const it = found.get(w.key);
        if (!it || it.seq !== w.value.seq || it.at !== w.value.at) lostKeys.push(w.key);
      }
    }
  } finally {
    await client.close();
  }
  return { acknowledged: acked.length, lost: lostKeys.length, lostKeys: lostKeys.slice(0, 20) };
}
