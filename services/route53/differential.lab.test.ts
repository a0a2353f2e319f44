/**
 * The model checker's Route 53 (MemoryControlPlane) against the service's own (RedisControlPlane:
 * the Lua transactions in a real Redis): 10,000 random operation sequences must give identical
 * results and state; a deliberately introduced difference is caught and shrunk.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab/lab.ts';
import { seededRandom } from '../../core/random.ts';
import { startTestLab } from '../../lab/testing.ts';
import { component } from '../../topology/topology.ts';
import { compare, DIFF_ENDPOINTS, DIFF_LEASE_TTL_MS, randomSequence, shrink, type Clock, type Implementation } from './differential.ts';
import { MemoryControlPlane } from '../memory-control-plane.ts';
import { RedisControlPlane } from './redis-control-plane.ts';

const SLOT = 211;
const ADDRESSES = ['127.0.11.1', '127.0.11.2', '127.0.11.3'];
const PARALLEL = 8;
let lab: Lab;
const connections: Redis[] = [];

const memory: Implementation = async (clock: Clock) => MemoryControlPlane.fresh(DIFF_ENDPOINTS, { now: clock.now, leaseTtlMs: DIFF_LEASE_TTL_MS });
const real = (redis: Redis): Implementation => async (clock: Clock) => {
  await redis.flushdb();
  return RedisControlPlane.open(redis, DIFF_ENDPOINTS, { addresses: ADDRESSES, now: clock.now, leaseTtlMs: DIFF_LEASE_TTL_MS });
};

beforeAll(async () => {
  ({ lab } = await startTestLab(SLOT, ['redis']));
  const r = component(lab.topology, 'redis');
  for (let db = 0; db < PARALLEL; db++) connections.push(new Redis({ host: r.address, port: r.port, db, enableAutoPipelining: true }));
}, 60_000);

afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  await lab?.stop();
});

describe('Route 53: the model checker\'s semantics are the service\'s', { timeout: 240_000 }, () => {
  it('10,000 random sequences give identical results and state in memory and in Redis', async () => {
    const N = 10_000;
    let next = 0;
    let ops = 0;
    const mismatches: string[] = [];
    await Promise.all(
      connections.map(async (redis) => {
        while (next < N && mismatches.length === 0) {
          const i = next++;
          const seq = randomSequence(seededRandom(1000 + i), 4 + (i % 20));
          ops += seq.length;
          const diff = await compare(memory, real(redis), seq);
          if (diff) {
            const small = await shrink(memory, real(redis), seq);
            mismatches.push(`sequence ${i}: ${JSON.stringify(small)}\n  memory: ${diff.a}\n  redis:  ${diff.b}`);
          }
        }
      }),
    );
    expect(mismatches).toEqual([]);
    expect(next).toBeGreaterThanOrEqual(N);
    expect(ops).toBeGreaterThan(100_000);
  });

  it('catches a deliberately introduced difference and shrinks it to a minimal sequence', async () => {
    // A mutant whose guarded cleanup forgets the leases: exactly the safeguard the incident lacked.
    class Mutant extends MemoryControlPlane {
      override async deletePlan(generation: number, opts: { guard: boolean; enactor: string }) {
        const saved = this.s.leases;
        this.s.leases = {};
        try {
          return await super.deletePlan(generation, opts);
        } finally {
          this.s.leases = saved;
        }
      }
    }
    const mutant: Implementation = async (clock) => {
      const m = MemoryControlPlane.fresh(DIFF_ENDPOINTS, { now: clock.now, leaseTtlMs: DIFF_LEASE_TTL_MS });
      return new Mutant(m.s, clock.now, DIFF_LEASE_TTL_MS);
    };
    let found: { seq: ReturnType<typeof randomSequence>; index: number } | undefined;
    for (let i = 0; i < 5000 && !found; i++) {
      const seq = randomSequence(seededRandom(50_000 + i), 20);
      if (await compare(mutant, real(connections[0]!), seq)) found = { seq, index: i };
    }
    expect(found, 'the mutant was never caught').toBeDefined();
    const small = await shrink(mutant, real(connections[0]!), found!.seq);
    expect(small.length).toBeLessThan(found!.seq.length);
    // The essence: a plan, a lease on it (taken before or after it is written), then a guarded
    // delete, which the real Route 53 refuses and the mutant carries out.
    expect(small.map((o) => o.op).sort()).toEqual(['delete', 'lease', 'publish']);
    expect(small.at(-1)).toMatchObject({ op: 'delete', guard: true });
    expect(await compare(mutant, real(connections[0]!), small)).toMatchObject({ a: expect.stringContaining('"deleted"'), b: expect.stringContaining('"leased"') });
  });
});
