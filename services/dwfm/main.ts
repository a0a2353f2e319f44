/**
 * DropletWorkflow Manager: keeps a lease in DynamoDB for every droplet (leases.ts), resolving
 * DynamoDB's name through CoreDNS on every call and reaching it through the Toxiproxy fault
 * points. RunInstances places an instance on a droplet with a valid lease, or answers
 * "insufficient capacity" (the incident's lie: the capacity is there, the leases are not).
 * Re-established droplets need their network state reprogrammed by the Network Manager. The
 * runbook's manual throttle is an admin API. This file only wires: the lease table (leases.ts),
 * the fleet's store (fleet-store.ts), placement, the network outbox, metrics and routes.
 */
import { seededRandom } from '../../core/random.ts';
import { labResolver } from '../../dns/resolve.ts';
import { TtlDnsCache } from '../../dns/ttl-cache.ts';
import { component, hostPort, httpUrl } from '../../topology/topology.ts';
import { DynamoClient } from '../common/dynamodb-client.ts';
import { nowMs } from '../common/events.ts';
import { runService } from '../common/service.ts';
import { FleetStore, LEASE_TABLE } from './fleet-store.ts';
import { LeaseTable, seedExpiry } from './leases.ts';
import { registerDwfmMetrics } from './metrics.ts';
import { NetworkOutbox } from './network-outbox.ts';
import { Placement } from './placement.ts';
import { dwfmRoutes } from './routes.ts';
import { dwfmSdkSettings } from './sdk-client.ts';

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
  const outbox = new NetworkOutbox(httpUrl(component(ctx.topology, 'netmgr')), ctx.config.nlb.targets, cfg.droplets, ctx.log);

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
      onReestablished: (ids) => outbox.reprogrammed(ids),
    },
  );
  if (cfg.throttle) table.setThrottle(cfg.throttle);

  const fleet = new FleetStore(ctx.redis('seed'), `${httpUrl(ctx.topology.dynamodb.frontends[0]!)}/_lab/sequence`, cfg.droplets);
  if (!(await fleet.seeded())) {
    // The fleet was running before the experiment: every lease starts valid as in a steady state
    // (renewals spread over the period, see LeaseTable.seed); the table's steady state starts
    // once the writes are done (the stored expiries are that much earlier: safe for a restart).
    await fleet.seed(seedExpiry(cfg, nowMs(), 0), cfg.renewPeriodMs / cfg.droplets);
    table.seed(nowMs());
  } else {
    // A restart (the runbook's "restart DWFM hosts", or a fault): DWFM reads its leases back from
    // the table (a scan outside the capacity model), so a lease whose write landed after DWFM had
    // stopped waiting for it counts as held again. Lapsed ones are re-established as usual.
    table.restore(await fleet.expiries(), nowMs());
    const saved = await fleet.savedThrottle();
    if (saved) table.setThrottle(saved);
    ctx.events.publish('dwfm.restarted', { valid: table.validCount, droplets: cfg.droplets, throttle: table.throttle });
  }

  registerDwfmMetrics(ctx.registry, table, () => client, cfg.droplets);
  const timer = setInterval(() => {
    table.tick();
    outbox.flush();
  }, 10);
  ctx.onStop(() => clearInterval(timer));

  const placement = new Placement(cfg.droplets, cfg.instancesPerDroplet, Math.floor(random() * cfg.droplets));
  const resetConnections = () => {
    const old = client;
    client = makeClient();
    table.abandonInFlight();
    void old.destroy();
  };
  return { routes: dwfmRoutes({ cfg, table, placement, outbox, fleet, events: ctx.events, registry: ctx.registry, resetConnections }) };
});
