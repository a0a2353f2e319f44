/** Phase 2: a fresh lab, the run's history, and the observers and load that write into it. */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { labResolver } from '../../../dns/resolve.ts';
import { TtlDnsCache } from '../../../dns/ttl-cache.ts';
import { endpoints, Lab } from '../../../lab/lab.ts';
import { seededRandom } from '../../../core/random.ts';
import { CustomerLoad } from '../../../loadtests/customers.ts';
import { HttpLoad } from '../../../loadtests/http-load.ts';
import { K6Load } from '../../../loadtests/k6.ts';
import { DynamoClient } from '../../../services/common/dynamodb-client.ts';
import { nowMs } from '../../../services/common/events.ts';
import { component, hostPort, httpUrl } from '../../../topology/topology.ts';
import { DnsCanary } from '../../observe/canary.ts';
import { EventTail } from '../../observe/event-tail.ts';
import { History, type HistoryEvent } from '../../history/history.ts';
import { MetricsScraper } from '../../observe/metrics-scraper.ts';
import { HarnessExporter } from '../../observe/harness-exporter.ts';
import type { RunContext } from '../context.ts';

export async function startLab(ctx: RunContext, onEvent: (e: HistoryEvent) => void): Promise<void> {
  const { opts, scenario, topology } = ctx;
  const s = ctx.steps.start('start-lab');
  opts.log(`starting the lab (slot ${topology.slot}, ${opts.runtime ?? 'local'} runtime) for scenario ${scenario.name}, seed ${opts.seed}`);
  ctx.lab = await Lab.start(opts.lab, {
    log: opts.log,
    runDir: join(opts.outDir, 'lab'),
    config: ctx.model,
    topology,
    signal: opts.signal,
    ephemeral: true,
    runtime: opts.runtime,
  });
  ctx.history = new History(join(opts.outDir, 'timeline.ndjson'), nowMs());
  ctx.history.onEvent(onEvent);
  ctx.steps.end(s);
  ctx.history.record('runner', 'run.start', { scenario: scenario.name, seed: opts.seed, model: ctx.model, recordTtlMs: topology.recordTtlSeconds * 1000, runtime: ctx.lab.runtimeName, labStartupMs: Math.round(s.endMs! - s.startMs), monitoring: topology.monitoring });
  if (topology.monitoring) {
    // Prometheus scrapes it and Alertmanager posts to it from now on (both retry until it answers).
    ctx.observers.exporter = new HarnessExporter(topology.harness.exporter, ctx.history);
    await ctx.observers.exporter.start();
  }
}

/** The services' events, metrics, the DNS canary and the customer load, all into the history. */
export function startObservers(ctx: RunContext): void {
  const { topology, scenario, opts } = ctx;
  const h = ctx.history!;
  const o = ctx.observers;
  const ep = endpoints(topology);
  const redisDef = component(topology, 'redis');
  o.tail = new EventTail(new Redis({ host: redisDef.address, port: redisDef.port, lazyConnect: false, maxRetriesPerRequest: 1 }), h);
  o.scraper = new MetricsScraper(topology, 1000, (e) => h.append(e), ctx.lab);
  o.canary = new DnsCanary(labResolver(ep.dns, 500), topology.dynamodbName, 50, (e) => h.append(e));
  // The customers are services using DynamoDB through the SDK: one attempt each, their own timeout.
  o.client = new DynamoClient({
    name: topology.dynamodbName,
    port: topology.dynamodb.port,
    dns: new TtlDnsCache(labResolver(ep.dns, 500), topology.recordTtlSeconds),
    sdk: { retryMode: 'none', maxAttempts: null, requestTimeoutMs: null, connectionTimeoutMs: 1000, maxSockets: 96 },
    accessKeyId: ctx.model.dynamodb.accessKeyId,
  });
  o.customers = new CustomerLoad(o.client, scenario.load.customers, seededRandom(opts.seed), `c${opts.seed}`, (sec) => h.record('load', 'load.second', { ...sec }));
  const { launches, nlb } = scenario.load;
  if (opts.load === 'k6') {
    const durationMs = scenario.stop.maxDurationMs;
    const summary = (s: object) => h.record('load', 'k6.summary', { ...s });
    if (launches) o.httpLoads.push(new K6Load('run-instances', { target: hostPort(component(topology, 'dwfm')), ratePerSec: launches.ratePerSec, durationMs, outDir: opts.outDir }, summary));
    if (nlb) o.httpLoads.push(new K6Load('nlb-traffic', { target: hostPort(component(topology, 'nlb')), ratePerSec: nlb.ratePerSec, durationMs, outDir: opts.outDir }, summary));
    return;
  }
  if (launches) {
    const url = `${httpUrl(component(topology, 'dwfm'))}/v1/run-instances`;
    o.httpLoads.push(new HttpLoad({ url, method: 'POST', body: { count: 1 }, ...launches }, (sec) => h.record('load', 'launch.second', { ...sec })));
  }
  if (nlb) {
    const url = `${httpUrl(component(topology, 'nlb'))}/`;
    o.httpLoads.push(new HttpLoad({ url, method: 'GET', ...nlb }, (sec) => h.record('load', 'nlb.second', { ...sec })));
  }
}
