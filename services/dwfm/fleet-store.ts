/**
 * Where DWFM's fleet of leases lives between its lives: written once at the lab's start (the
 * fleet was running before the experiment), read back after a restart, through the DynamoDB
 * stand-in's set-up API (outside its capacity model; services/dynamodb/sequences.ts). The
 * runbook's throttle is kept too, as the operators' throttle outlived the hosts they restarted.
 */
import type { Redis } from 'ioredis';
import { request } from 'undici';
import type { Throttle } from './leases.ts';

export const LEASE_TABLE = 'leases';
/** Lease i is the item pk "droplet-<i>" of the leases table. */
const LEASE_KEY = { name: 'pk', prefix: 'droplet-' } as const;
/** Set once the fleet's leases were seeded: a DWFM that finds it was restarted. */
const SEEDED_KEY = 'dwfm:seeded';
const THROTTLE_KEY = 'dwfm:throttle';

export class FleetStore {
  constructor(
    private readonly redis: Redis,
    /** The stand-in's `/_lab/sequence` on one of its frontends. */
    private readonly sequenceUrl: string,
    private readonly droplets: number,
  ) {}

  /** One POST to the stand-in's set-up API (`/_lab/<route>`), outside its capacity model. */
  private async setUp(route: string, body: unknown): Promise<unknown> {
    const url = this.sequenceUrl.replace(/\/_lab\/sequence$/, `/_lab/${route}`);
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), headersTimeout: 120_000, bodyTimeout: 120_000 });
    const json = await res.body.json();
    if (res.statusCode !== 200) throw new Error(`DynamoDB's set-up API: HTTP ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  }

  private sequence(body: unknown): Promise<unknown> {
    return this.setUp('sequence', body);
  }

  /** The stand-in's lease writes queued at or before `t` (epoch ms), dropped (the lab's set-up: LeaseTable.reseed); how many. */
  async dropQueuedBefore(t: number): Promise<number> {
    const { dropped } = (await this.setUp('drop-queued', { table: LEASE_TABLE, queuedBefore: t })) as { dropped: number };
    return dropped;
  }

  async seeded(): Promise<boolean> {
    return (await this.redis.get(SEEDED_KEY)) !== null;
  }

  /**
   * Writes every lease as the item DynamoDB's PutItem would store, {pk: S, holder: S, expiresAt:
   * N}, lease i expiring firstExpiry + i × stepMs; returns when the writes are done (a million take
   * a few seconds, longer than a lease outlives its renewal: the table's steady state starts then).
   */
  async seed(firstExpiry: number, stepMs: number): Promise<void> {
    await this.sequence({ op: 'put', table: LEASE_TABLE, key: LEASE_KEY, from: 0, to: this.droplets, item: { holder: { S: 'dwfm' } }, number: { name: 'expiresAt', start: firstExpiry, step: stepMs } });
    await this.redis.set(SEEDED_KEY, '1');
  }

  /** Every lease's stored expiry (0 where none), read back after a restart. */
  async expiries(): Promise<Float64Array> {
    const { values } = (await this.sequence({ op: 'get', table: LEASE_TABLE, key: LEASE_KEY, from: 0, to: this.droplets, attribute: 'expiresAt' })) as { values: number[] };
    return Float64Array.from(values);
  }

  async saveThrottle(t: Throttle): Promise<void> {
    await this.redis.set(THROTTLE_KEY, JSON.stringify(t));
  }

  async savedThrottle(): Promise<Throttle | undefined> {
    const saved = await this.redis.get(THROTTLE_KEY);
    return saved ? (JSON.parse(saved) as Throttle) : undefined;
  }
}
