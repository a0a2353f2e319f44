/**
 * Users' services through one run: their tables made and seeded, the services started (each
 * recorded as `service.started` with the retry settings its environment gives its SDK), their
 * workloads running into the history (`service.second`, `service.error`) from before the trigger
 * to the end, and a watch that records `service.exited` with the tail of its log when one dies
 * — the run then fails naming it. `stop()` ends the workloads and stops the services (SIGTERM,
 * SIGKILL after their grace); it is safe to call twice.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UserError } from '../core/errors.ts';
import type { EventFields, EventType } from '../core/events.ts';
import { nowMs } from '../core/clock.ts';
import { dynamodbCapacityPerSec } from '../core/model-config-file.ts';
import { seededRandom } from '../core/random.ts';
import type { Lab } from '../lab/lab.ts';
import { lastLines } from '../lab/ready.ts';
import { httpUrl, REGION } from '../topology/topology.ts';
import type { ServiceSpec } from './service-file.ts';
import { startServices, stopServices, type RunningService } from './start.ts';
import { limitOf, prepareTables } from './tables.ts';
import { retryPolicyOf } from './sdk-retry/index.ts';
import { callerAttempts, ServiceWorkload } from './workload.ts';

/** Where a run's services record into its history (the chaos layer's History, narrowed). */
export interface ServiceRecorder {
  record<T extends EventType>(source: string, type: T, fields: EventFields<T>): unknown;
}

/** The environment settings that shape a service's retries: the SDKs' own variables, and any of the file's that name retries. */
export function retrySettings(spec: ServiceSpec): Record<string, string> {
  return Object.fromEntries(Object.entries(spec.env).filter(([k]) => /^AWS_(RETRY_MODE|MAX_ATTEMPTS|NEW_RETRIES_2026)$/.test(k) || /RETR|ATTEMPT|BACKOFF/i.test(k)));
}

export class ServicesInRun {
  private readonly workloads: ServiceWorkload[] = [];
  /** Each service's recent seconds (sent, good), newest last: enough for its SLO window. */
  private readonly recent = new Map<string, { at: number; sent: number; good: number }[]>();
  private readonly exited = new Set<string>();
  private readonly exitLogs = new Map<string, string>();
  private watch: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly lab: Lab,
    readonly running: readonly RunningService[],
    private readonly history: ServiceRecorder,
  ) {}

  static async start(
    lab: Lab,
    history: ServiceRecorder,
    specs: readonly ServiceSpec[],
    o: { labKey: string; seed: number; log: (line: string) => void; onExit: (service: string, log: string) => void; signal?: AbortSignal; defaultCapacityPerSec: number },
  ): Promise<ServicesInRun> {
    const fe = lab.topology.dynamodb.frontends[0]!;
    const client = new DynamoDBClient({ region: REGION, endpoint: httpUrl(fe), credentials: { accessKeyId: o.labKey, secretAccessKey: 'outage-lab-secret' }, maxAttempts: 1 });
    try {
      await prepareTables(client, httpUrl(fe), specs, o.log);
    } finally {
      client.destroy();
    }
    const started = performance.now();
    const running = await startServices(lab, specs, o.labKey, o.log, o.signal);
    const self = new ServicesInRun(lab, running, history);
    for (const [i, s] of running.entries()) {
      history.record('service', 'service.started', {
        service: s.spec.name,
        language: s.spec.language,
        sdk: s.spec.sdk.name,
        sdkVersion: s.spec.sdk.version,
        address: `${s.endpoint.address}:${s.endpoint.port}`,
        retry: retrySettings(s.spec),
        readyMs: Math.round(performance.now() - started),
        slo: s.spec.slo,
        tables: s.spec.tables.map((t) => ({ name: t.name, capacityPerSec: t.capacity ? dynamodbCapacityPerSec(t.capacity) : o.defaultCapacityPerSec, ...limitOf(t) })),
        callerAttempts: callerAttempts(s.spec.workload.callers.retry),
        retryPolicy: retryPolicyOf(s.spec),
      });
      self.workloads.push(
        new ServiceWorkload(
          s.spec,
          s.endpoint,
          seededRandom(o.seed * 1000 + i),
          (sec) => {
            history.record('service', 'service.second', { ...sec, service: s.spec.name });
            const list = self.recent.get(s.spec.name) ?? [];
            list.push({ at: nowMs(), sent: sec.sent, good: sec.good });
            self.recent.set(s.spec.name, list.slice(-Math.max(1, Math.round(s.spec.slo.windowMs / 1000))));
          },
          (e) => history.record('service', 'service.error', { ...e, service: s.spec.name }),
        ),
      );
    }
    const exited = self.exited;
    self.watch = setInterval(() => {
      for (const s of running) {
        if (exited.has(s.spec.name)) continue;
        void lab.isRunning(s.component.name).then(
          (alive) => {
            if (alive || exited.has(s.spec.name) || self.stopping) return;
            exited.add(s.spec.name);
            const log = `${lastLines(s.component.logFile, 3)} (full log: ${s.component.logFile})`;
            history.record('service', 'service.exited', { service: s.spec.name, log });
            self.exitLogs.set(s.spec.name, log);
            o.onExit(s.spec.name, log);
          },
          () => {},
        );
      }
    }, 500);
    return self;
  }

  /** Sent and good requests over a service's last SLO window (as many seconds as it has so far). */
  private lastWindow(name: string): { seconds: number; sent: number; good: number; from: number } {
    const w = this.recent.get(name) ?? [];
    return { seconds: w.length, sent: w.reduce((a, x) => a + x.sent, 0), good: w.reduce((a, x) => a + x.good, 0), from: (w[0]?.at ?? Infinity) - 1000 };
  }

  /** Whether a service's last window is whole and met its SLO (and began at or after `since`, epoch ms). */
  private windowHeld(spec: ServiceSpec, since = -Infinity): { held: boolean; sent: number; good: number } {
    const w = this.lastWindow(spec.name);
    const held = w.seconds >= Math.max(1, Math.round(spec.slo.windowMs / 1000)) && w.from >= since && w.sent > 0 && w.good / w.sent >= spec.slo.successRatio;
    return { held, sent: w.sent, good: w.good };
  }

  /**
   * Waits until every service's workload has met its SLO over one window (a JVM warming up, cold
   * connections), recording `service.steady` for each; the run's faults come after. A service that
   * does not get there within its `start.steadyWithinMs` fails the run before any fault: judging
   * the outage against a service that was failing already would say nothing.
   */
  async settle(signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const pending = new Map(this.running.map((s) => [s.spec.name, s]));
    while (pending.size) {
      signal?.throwIfAborted();
      const gone = [...pending.keys()].find((n) => this.exitLogs.has(n));
      if (gone) throw new UserError(`service ${gone} exited during the run: ${this.exitLogs.get(gone)}`);
      const waited = performance.now() - started;
      for (const [name, { spec, component }] of pending) {
        const w = this.windowHeld(spec);
        if (w.held) {
          this.history.record('service', 'service.steady', { service: name, afterMs: Math.round(waited) });
          pending.delete(name);
        } else if (waited > spec.start.steadyWithinMs) {
          throw new UserError(
            `service ${name} did not meet its SLO (${spec.slo.successRatio * 100} % good within ${spec.slo.latencyMs} ms over ${spec.slo.windowMs} ms) within start.steadyWithinMs (${spec.start.steadyWithinMs} ms) of its workload, before any fault — its last window: ${w.good} of ${w.sent} good. An outage judged against a service already failing says nothing: check its log (${component.logFile}), its tables' capacity and the workload's rates`,
          );
        }
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Resolves once every service has met its SLO over a whole window that began at or after
   * `since` (epoch ms: the regional record's restoration), has exited, or has had its
   * `recoverWithinMs` and one more window since then without. A stop condition of the lab's arc
   * waits for this, so a service that stays down was watched for its whole bound (metastable, not
   * cut short), and one recovering late is seen recovering.
   */
  async recoveredSince(since: number, signal?: AbortSignal): Promise<void> {
    const pending = new Set(this.running.map((s) => s.spec));
    while (pending.size && !signal?.aborted && !this.stopping) {
      for (const spec of pending) {
        if (this.windowHeld(spec, since).held || this.exited.has(spec.name) || nowMs() > since + spec.slo.recoverWithinMs + spec.slo.windowMs) pending.delete(spec);
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Ends the workloads, then stops the services; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.watch);
      await Promise.all(this.workloads.map((w) => w.stop().catch(() => {})));
      await stopServices(this.lab, this.running);
      for (const s of this.running) this.history.record('service', 'service.stopped', { service: s.spec.name });
    })();
    return this.stopping;
  }
}
