/**
 * Route 53 stand-in: the DNS control-plane API (routes.ts). Record-set changes are transactions
 * (records.ts); after each, the zone file CoreDNS serves is re-rendered (zone-publisher.ts:
 * coalesced, atomic, serial bumped). This file only wires.
 */
import { Gauge } from 'prom-client';
import { labZoneFile } from '../../dns/lab-zone.ts';
import { runLayout } from '../../topology/layout.ts';
import { endpointNames } from '../../topology/topology.ts';
import { runService } from '../common/service.ts';
import { RecordSets } from './records.ts';
import { route53Routes } from './routes.ts';
import { ZonePublisher } from './zone-publisher.ts';

await runService(async (ctx) => {
  const redis = ctx.redis('records');
  const records = new RecordSets(redis, endpointNames(ctx.topology, ctx.config.endpoints));
  await records.load(ctx.topology.dynamodb.recordAddresses);
  const zone = new ZonePublisher(labZoneFile(ctx.topology, runLayout(ctx.runDir).zoneFile), records, ctx.config.zoneRenderIntervalMs, ctx.log);
  ctx.onStop(() => zone.stop());
  new Gauge({
    name: 'route53_empty_records',
    help: 'records that currently resolve to no addresses',
    registers: [ctx.registry],
    collect() {
      this.set(records.all().filter((r) => r.addresses.length === 0).length);
    },
  });
  new Gauge({ name: 'route53_zone_serial', help: 'SOA serial of the last zone written', registers: [ctx.registry], collect() { this.set(zone.serial); } });
  return {
    routes: route53Routes({ records, redis, topology: ctx.topology, events: ctx.events, registry: ctx.registry, changed: () => zone.changed() }),
    start: () => zone.render(),
  };
});
