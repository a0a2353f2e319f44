/**
 * DropletWorkflow Manager: keeps a lease in DynamoDB for every droplet (see leases.ts), resolving
 * DynamoDB's name through CoreDNS on every call and reaching it through the Toxiproxy fault
 * points. RunInstances places an instance on a droplet with a valid lease, or answers
 * "insufficient capacity" (the incident's lie: the capacity is there, the leases are not).
 * Re-established droplets need their network state reprogrammed by the Network Manager.
 * The runbook's manual throttle is an admin API.
 */
import { Counter, Gauge } from 'prom-client';
import { request } from 'undici';
import { z } from 'zod';
import { labResolver } from '../../dns/resolve.ts';
import { TtlDnsCache } from '../../dns/ttl-cache.ts';
import { seededRandom } from '../../core/random.ts';
import { component, hostPort, httpUrl } from '../../topology/topology.ts';
import { DynamoClient } from '../common/dynamodb-client.ts';
import { dwfmSdkSettings } from './sdk-client.ts';
import { nowMs } from '../common/events.ts';
import { HttpError, parseBody } from '../common/http.ts';
import { runService } from '../common/service.ts';
import { LeaseTable, seedExpiry } from './leases.ts';

export const LEASE_TABLE = 'leases';
/** Lease i is the item pk "droplet-<i>" of the leases table. */
const LEASE_KEY = { name: 'pk', prefix: 'droplet-' } as const;
/** Set once the fleet's leases were seeded: a DWFM that finds it was restarted. */
const SEEDED_KEY = 'dwfm:seeded';
/** The runbook's throttle, kept across restarts (as the operators' throttle outlived the hosts they restarted). */
const THROTTLE_KEY = 'dwfm:throttle';

/** The droplet NLB target j runs on. */
export function targetDroplet(j: number, targets: number, droplets: number): number {
  return Math.min(droplets - 1, Math.floor(((j + 0.5) * droplets) / targets));
}

const ThrottleBody = z
  .object({
    maxPerSec: z.number().positive().nullable().default(null),
    maxConcurrency: z.number().int().positive().nullable().default(null),
    /** Drop DWFM's queued and in-flight work, as restarting the DWFM hosts did. */
    resetConnections: z.boolean().default(false),
    by: z.string().default('operator'),
  })
  .strict();
const RunBody = z.object({ count: z.number().int().min(1).max(100).default(1) }).strict();

await runService(async (ctx) => {
  const cfg = ctx.config.dwfm;
  const random = seededRandom(ctx.config.seed * 7919 + 17);
  const dnsAddr = hostPort(component(ctx.topology, 'coredns'));
  // The lab's strategies run the SDK without retries of its own (their loop retries, with DWFM's
  // timeout); the SDK's modes retry themselves, with the SDK's timeouts.
  const sdkRetries = cfg.sdk.retryMode !== 'none';
  const makeClient = () =>
    new DynamoClient({
      name: ctx.topology.dynamodbName,
      port: ctx.topology.dynamodb.port,
      dns: new TtlDnsCache(labResolver(dnsAddr, 500), ctx.topology.recordTtlSeconds),
      sdk: dwfmSdkSettings(cfg, ctx.topology.dynamodb.recordAddresses.length),
      accessKeyId: ctx.config.dynamodb.accessKeyId,
    });
  let client = makeClient();
  // Stopping drops whatever is in flight (a restart must not wait for a collapsed table).
  ctx.onStop(() => client.destroy());
  const netmgr = httpUrl(component(ctx.topology, 'netmgr'));
  // NLB target j runs on a droplet spread across the fleet, so target changes are spread through
  // the Network Manager's backlog like everyone else's.
  const targetOn = new Map<number, number>();
  for (let j = 0; j < ctx.config.nlb.targets; j++) targetOn.set(targetDroplet(j, ctx.config.nlb.targets, cfg.droplets), j);

  // Network changes for re-established droplets, sent to the Network Manager once per tick.
  let outbox: { kind: 'reprogram' | 'launch'; droplet: number; target?: number }[] = [];
  const flushOutbox = () => {
    if (!outbox.length) return;
    const items = outbox;
    outbox = [];
    for (let k = 0; k < items.length; k += 10_000) {
      void request(`${netmgr}/v1/changes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: items.slice(k, k + 10_000) }),
      })
        .then((r) => r.body.dump())
        .catch((err: Error) => ctx.log.warn({ err: err.message }, 'netmgr unreachable; network changes lost'));
    }
  };

  const table = new LeaseTable(
    {
      droplets: cfg.droplets,
      leaseTtlMs: cfg.leaseTtlMs,
      renewPeriodMs: cfg.renewPeriodMs,
      batchSize: cfg.batchSize,
      requestTimeoutMs: cfg.requestTimeoutMs,
      strategy: cfg.strategy,
      backoff: { baseMs: cfg.baseBackoffMs, capMs: cfg.maxBackoffMs, fastFailRetryMs: cfg.fastFailRetryMs },
      concurrency: cfg.concurrency,
      retryBudget: cfg.retryBudget,
    },
    (ids, expiresAt, timeoutMs) =>
      client.batch(
        LEASE_TABLE,
        Array.from(ids, (i) => ({ key: `droplet-${i}`, value: { holder: 'dwfm', expiresAt } })),
        sdkRetries ? undefined : timeoutMs,
      ),
    nowMs,
    random,
    {
      onEpisodeStart: (e) => ctx.events.publish('dwfm.leases.lapsing', { lapsed: e.lapsed }, e.at),
      onAllValid: (e) =>
        ctx.events.publish('dwfm.leases.all-valid', { needed: e.needed, attempts: e.attempts, itemsSent: e.itemsSent, episodeMs: Math.round(e.durationMs), strategy: cfg.strategy }, e.at),
      onReestablished: (ids) => {
        for (const i of ids) {
          const target = targetOn.get(i);
          outbox.push(target === undefined ? { kind: 'reprogram', droplet: i } : { kind: 'reprogram', droplet: i, target });
        }
      },
    },
  );
  if (cfg.throttle) table.setThrottle(cfg.throttle);

  const store = ctx.redis('seed');
  // The DynamoDB stand-in's set-up API (outside its capacity model): where DWFM's fleet of leases is written at start and read back after a restart.
  const ddbAdmin = `${httpUrl(ctx.topology.dynamodb.frontends[0]!)}/_lab/sequence`;
  const sequence = async (body: unknown): Promise<unknown> => {
    const res = await request(ddbAdmin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), headersTimeout: 120_000, bodyTimeout: 120_000 });
    const json = await res.body.json();
    if (res.statusCode !== 200) throw new Error(`DynamoDB's set-up API: HTTP ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  if ((await store.get(SEEDED_KEY)) === null) {
    // The fleet was running before the experiment: every lease starts valid as in a steady
    // state (renewals spread over the period, see LeaseTable.seed), written once at start
    // through the DynamoDB stand-in's set-up API (outside its capacity model; it writes 20,000
    // per script so Redis keeps answering everyone else). A million leases take a few seconds, longer
    // than the second a lease outlives its renewal: the table's steady state starts when the
    // writes are done (the stored expiries are that much earlier: safe for a restart to read).
    const seedAt = nowMs();
    // Each lease the item DynamoDB's PutItem would store: {pk: S, holder: S, expiresAt: N}; lease i
    // expires lease 0's expiry + i × R / M. Written by the stand-in's own set-up API.
    await sequence({ op: 'put', table: LEASE_TABLE, key: LEASE_KEY, from: 0, to: cfg.droplets, item: { holder: { S: 'dwfm' } }, number: { name: 'expiresAt', start: seedExpiry(cfg, seedAt, 0), step: cfg.renewPeriodMs / cfg.droplets } });
    const steadyFrom = nowMs();
    await store.set(SEEDED_KEY, String(steadyFrom));
    table.seed(steadyFrom);
  } else {
    // A restart (the runbook's "restart DWFM hosts", or a fault): DWFM reads its leases back from
    // the table (a scan outside the capacity model), so a lease whose write landed after DWFM had
    // stopped waiting for it counts as held again. Lapsed ones are re-established as usual.
    const { values } = (await sequence({ op: 'get', table: LEASE_TABLE, key: LEASE_KEY, from: 0, to: cfg.droplets, attribute: 'expiresAt' })) as { values: number[] };
    const expires = Float64Array.from(values);
    table.restore(expires, nowMs());
    const saved = await store.get(THROTTLE_KEY);
    if (saved) table.setThrottle(JSON.parse(saved) as { maxPerSec: number | null; maxConcurrency: number | null });
    ctx.events.publish('dwfm.restarted', { valid: table.validCount, droplets: cfg.droplets, throttle: table.throttle });
  }

  const instancesOn = new Uint8Array(cfg.droplets);
  let placeCursor = Math.floor(random() * cfg.droplets);
  const launches = new Counter({ name: 'dwfm_run_instances_total', help: 'RunInstances calls by result', labelNames: ['result'], registers: [ctx.registry] });
  const g = (name: string, help: string, value: () => number) =>
    new Gauge({ name, help, registers: [ctx.registry], collect() { this.set(value()); } });
  g('dwfm_leases_valid', 'droplets with a valid lease', () => table.validCount);
  g('dwfm_leases_lapsed', 'droplets whose lease lapsed and is not yet re-established', () => table.lapsedCount);
  g('dwfm_droplets', 'droplets managed (M)', () => cfg.droplets);
  g('dwfm_reestablish_attempts', 're-establish batches sent, including retries', () => table.counters.attempts);
  g('dwfm_reestablish_items_sent', 'lease writes sent for re-establishment', () => table.counters.itemsSent);
  g('dwfm_renewal_items_sent', 'lease writes sent as renewals', () => table.counters.renewalsSent);
  g('dwfm_reestablished', 'leases re-established', () => table.counters.reestablished);
  g('dwfm_timeouts', 're-establish attempts abandoned at the timeout', () => table.counters.timeouts);
  g('dwfm_fast_failures', 're-establish attempts that failed fast (DNS, refused, throttled)', () => table.counters.fastFailures);
  g('dwfm_requests_sent', 'DynamoDB requests sent, renewals included', () => client.sent);
  g('dwfm_late_answers', 'answers that arrived after DWFM stopped waiting', () => client.lateAnswers);
  g('dwfm_in_flight', 're-establish batches DWFM is waiting on', () => table.inFlightCount);
  g('dwfm_pending_jobs', 're-establish batches not yet done', () => table.pendingJobs);
  g('dwfm_concurrency_limit', 'adaptive concurrency limit (0: none)', () => table.aimd?.limit ?? 0);
  g('dwfm_sdk_attempts', "HTTP requests the AWS SDK made for DWFM's calls, its own retries included", () => client.attempts);
  new Gauge({
    name: 'dwfm_sdk_retry_quota',
    help: "the AWS SDK's retry quota left (standard and adaptive modes: 500 tokens, a retry costs 14, 5 after a throttling error; -1: no quota)",
    registers: [ctx.registry],
    async collect() {
      this.set((await client.retryQuota()) ?? -1);
    },
  });

  const timer = setInterval(() => {
    table.tick();
    flushOutbox();
  }, 10);
  ctx.onStop(() => clearInterval(timer));

  return {
    routes: [
      {
        method: 'POST',
        path: /^\/v1\/run-instances$/,
        handler: (c) => {
          const body = parseBody(RunBody, c.body ?? {});
          const at = nowMs();
          const placed: { instance: string; droplet: number }[] = [];
          for (let k = 0; k < body.count; k++) {
            let found = -1;
            for (let probe = 0; probe < Math.min(cfg.droplets, 2000); probe++) {
              const i = (placeCursor + probe) % cfg.droplets;
              if (instancesOn[i]! < cfg.instancesPerDroplet && table.isValid(i, at)) {
                found = i;
                break;
              }
            }
            if (found < 0) break;
            placeCursor = (found + 1) % cfg.droplets;
            instancesOn[found]!++;
            placed.push({ instance: `i-${found.toString(16)}-${instancesOn[found]}`, droplet: found });
            outbox.push({ kind: 'launch', droplet: found });
          }
          if (placed.length < body.count) {
            launches.inc({ result: 'insufficient-capacity' });
            // The lie the incident told: capacity exists, but no droplet can prove its lease.
            throw new HttpError(503, 'InsufficientInstanceCapacity: no droplet with a valid lease can take this launch', { placed: placed.length });
          }
          launches.inc({ result: 'ok' });
          return { status: 200, body: { instances: placed } };
        },
      },
      {
        method: 'POST',
        path: /^\/v1\/admin\/throttle$/,
        handler: async (c) => {
          const body = parseBody(ThrottleBody, c.body ?? {});
          const throttle = { maxPerSec: body.maxPerSec, maxConcurrency: body.maxConcurrency };
          table.setThrottle(throttle);
          await store.set(THROTTLE_KEY, JSON.stringify(throttle));
          if (body.resetConnections) {
            const old = client;
            client = makeClient();
            table.abandonInFlight();
            void old.destroy();
          }
          ctx.events.publish('dwfm.throttle', { ...body });
          return { status: 200, body: { ...body, lapsed: table.lapsedCount } };
        },
      },
      {
        method: 'GET',
        path: /^\/v1\/leases$/,
        handler: () => ({
          status: 200,
          body: { droplets: cfg.droplets, valid: table.validCount, lapsed: table.lapsedCount, counters: table.counters, throttle: table.throttle, strategy: cfg.strategy },
        }),
      },
    ],
  };
});
