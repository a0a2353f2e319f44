/**
 * The lost-writes checker: after the run, read back every acknowledged write straight from a
 * DynamoDB frontend (bypassing DNS and the fault points: this checks durability, not
 * availability) and count those whose value is missing or different.
 */
import { Agent, request } from 'undici';
import type { AckedWrite } from '../loadtests/customers.ts';
import { CUSTOMER_TABLE } from '../loadtests/customers.ts';
import { httpUrl, type Endpoint } from '../topology/topology.ts';

export interface WritesResult {
  readonly acknowledged: number;
  readonly lost: number;
  readonly lostKeys: string[];
}

export async function checkWrites(frontend: Endpoint, acked: readonly AckedWrite[]): Promise<WritesResult> {
  const agent = new Agent({ connections: 16 });
  const lostKeys: string[] = [];
  try {
    for (let i = 0; i < acked.length; i += 64) {
      await Promise.all(
        acked.slice(i, i + 64).map(async (w) => {
          const res = await request(`${httpUrl(frontend)}/v1/items/${CUSTOMER_TABLE}/${encodeURIComponent(w.key)}`, { dispatcher: agent, headersTimeout: 10_000 });
          const body = (await res.body.json()) as { value?: { seq: number; at: number }; version?: number };
          if (res.statusCode !== 200 || body.value?.seq !== w.value.seq || body.value?.at !== w.value.at || (body.version ?? 0) < w.version) lostKeys.push(w.key);
        }),
      );
    }
  } finally {
    await agent.close();
  }
  return { acknowledged: acked.length, lost: lostKeys.length, lostKeys: lostKeys.slice(0, 20) };
}
