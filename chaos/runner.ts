/**
 * Runs one experiment: validate everything → start the lab → warm up → verify the steady state →
 * inject faults on schedule, run operator actions when due → stop on a stop condition → heal
 * every fault in `finally` (also on Ctrl-C) → check writes → stop the lab → analyse the history →
 * write summary.json, timeline.ndjson and report.md. Every step is a run record; the journal's
 * status is one of completed | failed | aborted | interrupted.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { labResolver } from '../dns/resolve.ts';
import { TtlDnsCache } from '../dns/ttl-cache.ts';
import { InputError } from '../lab/errors.ts';
import { Lab, endpoints, type LabContext } from '../lab/lab.ts';
import { ModelConfigSchema, type ModelConfig } from '../lab/model-config.ts';
import { seededRandom } from '../lab/random.ts';
import { CustomerLoad } from '../loadtests/customers.ts';
import { DynamoClient } from '../services/common/dynamodb-client.ts';
import { nowMs } from '../services/common/events.ts';
import { buildTopology, component, httpUrl, type Topology } from '../topology/topology.ts';
import { HttpLoad } from '../loadtests/http-load.ts';
import { analyse, type Analysis } from './analysis.ts';
import { DnsCanary } from './canary.ts';
import { EventTail } from './event-tail.ts';
import { faultType, validateFaults, type FaultSpec } from './faults/index.ts';
import type { ActiveFault } from './faults/fault.ts';
import { History, type HistoryEvent } from './history.ts';
import { MetricsScraper } from './metrics-scraper.ts';
import { restoreDns, throttleDwfm } from './operator.ts';
import { renderReport } from './report.ts';
import type { OperatorAction, Scenario } from './scenario.ts';
import { checkWrites } from './writes-check.ts';

export type RunStatus = 'completed' | 'failed' | 'aborted' | 'interrupted';

export interface StepRecord {
  readonly name: string;
  readonly startMs: number;
  endMs: number | null;
  status: 'ok' | 'failed' | 'skipped';
  output?: unknown;
  error?: string;
}

export interface RunSummary extends Analysis {
  readonly scenario: string;
  readonly seed: number;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly config: { readonly model: ModelConfig; readonly load: Scenario['load']; readonly faults: Scenario['faults']; readonly operator: Scenario['operator']; readonly stop: Scenario['stop'] };
  readonly steps: StepRecord[];
  readonly outDir: string;
}

export interface RunOptions {
  readonly seed: number;
  readonly outDir: string;
  readonly lab: LabContext;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** Checks the scenario against the topology; throws an InputError naming the field. */
export function validateScenario(scenario: Scenario, topology: Topology): void {
  const problems = validateFaults(scenario.faults, topology);
  const earliest = scenario.steadyState.warmupMs + scenario.steadyState.verifyForMs;
  for (const [i, f] of scenario.faults.entries()) {
    if (f.atMs < earliest) problems.push(`faults.${i}.atMs: ${f.atMs} is before the steady state is verified (warmupMs + verifyForMs = ${earliest}); start it at ${earliest} or later`);
    if (f.atMs >= scenario.stop.maxDurationMs) problems.push(`faults.${i}.atMs: ${f.atMs} is after the run ends (stop.maxDurationMs = ${scenario.stop.maxDurationMs})`);
  }
  if (problems.length) throw new InputError(problems[0]! + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''));
}

const NOTABLE = new Set([
  'fault.injected',
  'fault.healed',
  'route53.record.empty',
  'route53.record.restored',
  'canary.alert',
  'canary.recovered',
  'operator.action',
  'steady-state.verified',
  'steady-state.failed',
  'run.phase',
]);

function describe(e: HistoryEvent): string {
  const t = `${(e.t / 1000).toFixed(2).padStart(6)} s`;
  switch (e.type) {
    case 'fault.injected':
      return `${t}  fault ${e.name} injected (${e.faultType}${e.link ? ` on ${e.link}` : ''})`;
    case 'fault.healed':
      return `${t}  fault ${e.name} healed`;
    case 'route53.record.empty':
      return `${t}  route53 committed an EMPTY record for ${e.endpoint} (${e.cause}${e.deletedPlan ? ` of plan ${e.deletedPlan}` : ''}${e.enactor ? ` by ${e.enactor}` : ''})`;
    case 'route53.record.restored':
      return `${t}  ${e.endpoint} has addresses again (${e.cause})`;
    case 'canary.alert':
      return `${t}  canary ALERT: ${e.name} answers ${e.outcome}`;
    case 'canary.recovered':
      return `${t}  canary: ${e.name} resolves again`;
    case 'operator.action':
      return `${t}  operator: ${e.action} ${e.ok ? 'done' : `FAILED: ${e.error}`}`;
    case 'run.phase':
      return `${t}  phase: ${e.phase}`;
    default:
      return `${t}  ${e.type}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunSummary> {
  const topology = buildTopology({ slot: opts.lab.slot });
  validateScenario(scenario, topology);
  const model = ModelConfigSchema.parse({ ...scenario.settings, seed: opts.seed });
  for (const f of ['timeline.ndjson', 'summary.json']) {
    if (existsSync(join(opts.outDir, f))) {
      throw new InputError(`--out ${opts.outDir} already holds a run (${f}): choose another folder or delete that one; runs are never overwritten or mixed`);
    }
  }
  mkdirSync(opts.outDir, { recursive: true });
  // Step times are kept as epoch ms and reported relative to the run's t = 0 (the lab being up).
  const steps: StepRecord[] = [];
  const wallStart = new Date();
  let history: History | undefined;
  const stepStart = (name: string): StepRecord => {
    const r: StepRecord = { name, startMs: nowMs(), endMs: null, status: 'ok' };
    steps.push(r);
    return r;
  };
  const stepEnd = (r: StepRecord, status: StepRecord['status'] = 'ok', extra: Partial<StepRecord> = {}) => {
    Object.assign(r, { endMs: nowMs(), status, ...extra });
  };

  let status: RunStatus = 'completed';
  let lab: Lab | undefined;
  const activeFaults = new Map<string, ActiveFault>();
  const timers: NodeJS.Timeout[] = [];
  let tail: EventTail | undefined;
  let canary: DnsCanary | undefined;
  let scraper: MetricsScraper | undefined;
  let customers: CustomerLoad | undefined;
  const httpLoads: HttpLoad[] = [];
  let client: DynamoClient | undefined;

  try {
    const s = stepStart('start-lab');
    opts.log(`starting the lab (slot ${topology.slot}) for scenario ${scenario.name}, seed ${opts.seed}`);
    lab = await Lab.start(opts.lab, { log: opts.log, runDir: join(opts.outDir, 'lab'), config: model, topology, signal: opts.signal, ephemeral: true });
    history = new History(join(opts.outDir, 'timeline.ndjson'), nowMs());
    const h = history;
    h.onEvent((e) => {
      if (NOTABLE.has(e.type) && e.regional !== false) opts.log(describe(e));
    });
    stepEnd(s);
    h.record('runner', 'run.start', { scenario: scenario.name, seed: opts.seed, model, labStartupMs: Math.round(s.endMs! - s.startMs) });

    // Observers: the services' events, metrics, the DNS canary, the customer load.
    const ep = endpoints(topology);
    const redisDef = component(topology, 'redis');
    tail = new EventTail(new Redis({ host: redisDef.address, port: redisDef.port, lazyConnect: false }), h);
    scraper = new MetricsScraper(topology, 1000, (e) => h.append(e));
    canary = new DnsCanary(labResolver(ep.dns, 500), topology.dynamodbName, 50, (e) => h.append(e));
    client = new DynamoClient({
      name: topology.dynamodbName,
      port: topology.dynamodb.port,
      dns: new TtlDnsCache(labResolver(ep.dns, 500), topology.recordTtlSeconds),
      connections: 32,
    });
    const c = scenario.load.customers;
    customers = new CustomerLoad(client, c, seededRandom(opts.seed), `c${opts.seed}`, (sec) => h.record('load', 'load.second', { ...sec }));
    const { launches, nlb } = scenario.load;
    if (launches) {
      const url = `${httpUrl(component(topology, 'dwfm'))}/v1/run-instances`;
      httpLoads.push(new HttpLoad({ url, method: 'POST', body: { count: 1 }, ...launches }, (sec) => h.record('load', 'launch.second', { ...sec })));
    }
    if (nlb) {
      const url = `${httpUrl(component(topology, 'nlb'))}/`;
      httpLoads.push(new HttpLoad({ url, method: 'GET', ...nlb }, (sec) => h.record('load', 'nlb.second', { ...sec })));
    }

    let finish: (why: string) => void = () => {};
    const runDone = new Promise<string>((resolve) => {
      finish = resolve;
      timers.push(setTimeout(() => resolve(`max duration ${scenario.stop.maxDurationMs} ms reached`), scenario.stop.maxDurationMs));
      opts.signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
    });
    /** Stop conditions watch only what happens once the faults phase has begun. */
    const armStopConditions = (from: number) => {
      for (const cond of scenario.stop.afterEvents) {
        let armed = cond.after === undefined;
        h.onEvent((e) => {
          if (e.t < from) return;
          if (!armed && e.type === cond.after) armed = true;
          if (!armed || e.type !== cond.event || !Object.entries(cond.match).every(([k, v]) => e[k] === v)) return;
          timers.push(setTimeout(() => finish(`${cond.delayMs} ms after ${cond.event}`), cond.delayMs));
        });
      }
    };

    h.record('runner', 'run.phase', { phase: 'warmup' });
    await Promise.race([sleep(scenario.steadyState.warmupMs), runDone]);
    opts.signal?.throwIfAborted();

    // Steady-state hypothesis: the endpoint resolves with addresses, customers succeed.
    h.record('runner', 'run.phase', { phase: 'steady-state' });
    const verifyFrom = nowMs() - h.startedAt;
    await Promise.race([sleep(scenario.steadyState.verifyForMs), runDone]);
    opts.signal?.throwIfAborted();
    const verify = stepStart('verify-steady-state');
    const canaryBad = h.events.filter((e) => e.type === 'canary' && e.t >= verifyFrom && e.outcome !== 'ok').length;
    const canaryAll = h.events.filter((e) => e.type === 'canary' && e.t >= verifyFrom).length;
    const load = h.events.filter((e) => e.type === 'load.second' && e.t >= verifyFrom);
    const sent = load.reduce((a, e) => a + (e.sent as number), 0);
    const okCount = load.reduce((a, e) => a + (e.ok as number), 0);
    const errorRate = sent ? (sent - okCount) / sent : 0;
    const steadyDetail = `canary ${canaryAll - canaryBad}/${canaryAll} ok, customer error rate ${(errorRate * 100).toFixed(2)} % of ${sent}`;
    if (canaryBad > 0 || canaryAll === 0 || errorRate > scenario.steadyState.maxCustomerErrorRate) {
      h.record('runner', 'steady-state.failed', { detail: steadyDetail });
      stepEnd(verify, 'failed', { error: steadyDetail });
      status = 'aborted';
    } else {
      h.record('runner', 'steady-state.verified', { detail: steadyDetail });
      stepEnd(verify, 'ok', { output: steadyDetail });

      // Faults and operator actions on schedule.
      const faultsPhase = h.record('runner', 'run.phase', { phase: 'faults' });
      armStopConditions(faultsPhase.t);
      const runStart = h.startedAt;
      const at = (ms: number, fn: () => void) => timers.push(setTimeout(fn, Math.max(0, runStart + ms - nowMs())));
      for (const f of scenario.faults) at(f.atMs, () => void inject(f));
      for (const a of scenario.operator) {
        const trigger = a.when;
        if ('atMs' in trigger) at(trigger.atMs, () => void operate(a));
        else {
          let fired = false;
          h.onEvent((e) => {
            if (fired || e.type !== trigger.afterEvent || !Object.entries(trigger.match).every(([k, v]) => e[k] === v)) return;
            fired = true;
            timers.push(setTimeout(() => void operate(a), trigger.delayMs));
          });
        }
      }
      const why = await runDone;
      h.record('runner', 'run.stop', { reason: why });
      if (why === 'interrupted') status = 'interrupted';
    }

    async function inject(f: FaultSpec) {
      if (opts.signal?.aborted) return;
      const r = stepStart(`inject ${f.name}`);
      try {
        const active = await faultType(f).inject({ toxiproxy: lab!.toxiproxy, topology }, f);
        activeFaults.set(f.name, active);
        const { type: faultKind, ...details } = f;
        // Who the fault slows or cuts off: the components on the faulted links' client side.
        const links = 'link' in f ? [f.link] : f.links;
        const affects = topology.links.filter((l) => links.includes(l.name)).map((l) => l.from);
        h.record('nemesis', 'fault.injected', { ...details, faultType: faultKind, affects });
        stepEnd(r);
        if (f.durationMs !== null) timers.push(setTimeout(() => void heal(f.name), f.durationMs));
      } catch (err) {
        h.record('nemesis', 'fault.failed', { name: f.name, error: (err as Error).message });
        stepEnd(r, 'failed', { error: (err as Error).message });
        status = 'failed';
      }
    }

    async function heal(name: string) {
      const f = activeFaults.get(name);
      if (!f) return;
      activeFaults.delete(name);
      try {
        await f.heal();
        h.record('nemesis', 'fault.healed', { name });
      } catch (err) {
        activeFaults.set(name, f); // healAll retries, then resets Toxiproxy
        h.record('nemesis', 'fault.heal-failed', { name, error: (err as Error).message });
      }
    }

    async function operate(a: OperatorAction) {
      if (opts.signal?.aborted) return;
      const unless = a.when.unlessEvent;
      if (unless && h.events.some((e) => e.type === unless)) {
        h.record('operator', 'operator.skipped', { action: a.action, because: unless });
        return;
      }
      const r = stepStart(`operator ${a.action}`);
      try {
        const out =
          a.action === 'restore-dns'
            ? await restoreDns(topology, 'scenario runbook')
            : await throttleDwfm(topology, { maxPerSec: a.maxPerSec, maxConcurrency: a.maxConcurrency, resetConnections: a.resetConnections }, 'scenario runbook');
        h.record('operator', 'operator.action', { action: a.action, ok: true, ...out });
        stepEnd(r, 'ok', { output: out });
      } catch (err) {
        h.record('operator', 'operator.action', { action: a.action, ok: false, error: (err as Error).message });
        stepEnd(r, 'failed', { error: (err as Error).message });
      }
    }
  } catch (err) {
    // Before the lab is up there is nothing to analyse: the error is the result (the lab has
    // already stopped what it started).
    if (!history) throw err;
    status = opts.signal?.aborted ? 'interrupted' : 'failed';
    if (status === 'failed') history.record('runner', 'run.error', { error: (err as Error).message });
    steps.push({ name: 'error', startMs: nowMs(), endMs: nowMs(), status: 'failed', error: (err as Error).message });
  } finally {
    for (const t of timers) clearTimeout(t);
    await healAll();
    const stopObs = stepStart('stop-observers');
    await customers?.stop().catch(() => {});
    await Promise.all(httpLoads.map((l) => l.stop().catch(() => {})));
    await canary?.stop().catch(() => {});
    await scraper?.stop().catch(() => {});
    stepEnd(stopObs);
    if (lab && customers && history) {
      const w = stepStart('check-writes');
      try {
        const result = await checkWrites(topology.dynamodb.frontends[0]!, customers.acked);
        history.record('checker', 'writes.checked', { ...result });
        stepEnd(w, 'ok', { output: { acknowledged: result.acknowledged, lost: result.lost } });
      } catch (err) {
        stepEnd(w, 'failed', { error: (err as Error).message });
      }
    }
    await tail?.stop().catch(() => {});
    await client?.close().catch(() => {});
    const stopLab = stepStart('stop-lab');
    await lab?.stop();
    stepEnd(stopLab);
    history?.record('runner', 'run.end', { status });
    await history?.close();
  }

  async function healAll() {
    const r = stepStart('heal-all');
    const errors: string[] = [];
    for (const [name, f] of activeFaults) {
      try {
        await f.heal();
        history?.record('nemesis', 'fault.healed', { name });
      } catch (err) {
        errors.push(`${name}: ${(err as Error).message}`);
      }
    }
    activeFaults.clear();
    if (errors.length && lab) {
      // Last resort: Toxiproxy's reset enables every proxy and removes every toxic.
      await lab.toxiproxy.reset().catch((err: Error) => errors.push(`reset: ${err.message}`));
    }
    stepEnd(r, errors.length ? 'failed' : 'ok', errors.length ? { error: errors.join('; ') } : {});
  }

  const analysis = analyse(history!.events, scenario.checks, { ttlMs: topology.recordTtlSeconds * 1000, model });
  const summary: RunSummary = {
    scenario: scenario.name,
    seed: opts.seed,
    status,
    startedAt: wallStart.toISOString(),
    durationMs: Math.round(nowMs() - history!.startedAt),
    config: { model, load: scenario.load, faults: scenario.faults, operator: scenario.operator, stop: scenario.stop },
    ...analysis,
    verdict: status === 'completed' ? analysis.verdict : 'fail',
    steps: steps.map((r) => ({ ...r, startMs: Math.round(r.startMs - history!.startedAt), endMs: r.endMs === null ? null : Math.round(r.endMs - history!.startedAt) })),
    outDir: opts.outDir,
  };
  writeFileSync(join(opts.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'report.md'), renderReport(summary));
  return summary;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
