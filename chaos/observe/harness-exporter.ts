/**
 * The harness's side of the monitoring, on the topology's harness exporter address:
 *
 *   GET  /metrics  the experiment's state for Prometheus (and users' own dashboards): faults
 *                  active and injected by type, operator actions by who took them (scripted or
 *                  human), the run's phase, the customers' requests by outcome, the lab canary's
 *                  answers — Litmus's chaos-exporter and Chaos Mesh's injection counters are the
 *                  models. Fed from the run's history, one way.
 *   POST /alerts   Alertmanager's webhook: every alert that starts or stops firing becomes an
 *                  `alert.firing` / `alert.resolved` event in the history, with its rule's name,
 *                  stage and when Prometheus says it started (`startsAtMs`, run time).
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { parse } from 'yaml';
import { z } from 'zod';
import type { History, HistoryEvent } from '../history/history.ts';
import type { LoadSecondType } from '../../core/events.ts';
import { UserError } from '../../core/errors.ts';
import type { Endpoint } from '../../topology/topology.ts';
import { RULE_FILES, RULES_DIR } from '../../monitoring/render.ts';

export interface RuleInfo {
  readonly alertname: string;
  readonly stage: number;
  /** outage: it should fire while the record is empty; recovery: once DynamoDB is back. */
  readonly phase: string;
  readonly monitoring: string;
  readonly since: string;
  readonly summary: string;
}

/** The shipped rules, as the report lists them (one per stage of the incident). */
export function shippedRules(dir = RULES_DIR): RuleInfo[] {
  const out: RuleInfo[] = [];
  for (const f of RULE_FILES) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] };
    for (const g of doc.groups) {
      for (const r of g.rules) {
        if (!r.alert) continue;
        out.push({ alertname: r.alert, stage: Number(r.labels?.stage ?? 0), phase: r.labels?.phase ?? 'outage', monitoring: r.labels?.monitoring ?? 'typical', since: r.annotations?.since ?? 'trigger', summary: r.annotations?.summary ?? '' });
      }
    }
  }
  return out;
}

const WebhookSchema = z.object({
  alerts: z.array(
    z.object({
      status: z.enum(['firing', 'resolved']),
      labels: z.record(z.string(), z.string()),
      annotations: z.record(z.string(), z.string()).default({}),
      startsAt: z.string(),
      endsAt: z.string().optional(),
      fingerprint: z.string().optional(),
    }),
  ),
});

const LOADS: Record<LoadSecondType, string> = { 'load.second': 'dynamodb', 'launch.second': 'runinstances', 'nlb.second': 'nlb' };

export class HarnessExporter {
  private readonly registry = new Registry();
  private readonly server: Server;
  private readonly status = new Map<string, 'firing' | 'resolved'>();
  private readonly faultTypes = new Map<string, string>();
  private readonly requests = new Counter({ name: 'outage_lab_client_requests_total', help: "the harness's customer requests by load and outcome (ok, or the error kind)", labelNames: ['load', 'outcome'], registers: [this.registry] });
  private readonly faultsActive = new Gauge({ name: 'outage_lab_faults_active', help: 'injected faults in effect (1) or healed (0)', labelNames: ['fault', 'type'], registers: [this.registry] });
  private readonly injections = new Counter({ name: 'outage_lab_fault_injections_total', help: 'faults injected, by type', labelNames: ['type'], registers: [this.registry] });
  private readonly actions = new Counter({ name: 'outage_lab_operator_actions_total', help: 'runbook actions taken, by action, who (scripted or human) and result', labelNames: ['action', 'actor', 'ok'], registers: [this.registry] });
  private readonly phase = new Gauge({ name: 'outage_lab_run_phase', help: "the run's phase (1 for the current one)", labelNames: ['phase'], registers: [this.registry] });
  private readonly canary = new Counter({ name: 'outage_lab_canary_answers_total', help: "the lab canary's DNS answers by class (ok, empty, nxdomain, …)", labelNames: ['outcome'], registers: [this.registry] });
  private readonly alertsFiring = new Gauge({ name: 'outage_lab_alerts_firing', help: 'alerts Alertmanager reported firing', registers: [this.registry] });

  constructor(
    private readonly endpoint: Endpoint,
    private readonly history: History,
  ) {
    this.server = createServer((req, res) => {
      const done = (status: number, body: string, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (req.method === 'GET' && req.url === '/metrics') {
        this.registry.metrics().then((m) => done(200, m, this.registry.contentType), (err: Error) => done(500, JSON.stringify({ error: err.message })));
        return;
      }
      if (req.method === 'POST' && req.url === '/alerts') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return done(400, JSON.stringify({ error: 'not JSON' }));
          }
          const r = WebhookSchema.safeParse(body);
          if (!r.success) return done(400, JSON.stringify({ error: r.error.issues[0]!.message }));
          this.receive(r.data.alerts);
          done(200, '{}');
        });
        return;
      }
      done(404, JSON.stringify({ error: `no route ${req.method} ${req.url}` }));
    });
    this.server.keepAliveTimeout = 5000;
    history.onEvent((e) => this.observe(e));
    history.record('harness', 'monitoring.rules', { rules: shippedRules() });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new UserError(`the harness exporter's port ${this.endpoint.address}:${this.endpoint.port} is taken: is another run of this slot going?`) : err));
      this.server.listen(this.endpoint.port, this.endpoint.address, () => resolve());
    });
  }

  /** How many alerts are firing now, as Alertmanager last said. */
  get firing(): number {
    return [...this.status.values()].filter((s) => s === 'firing').length;
  }

  /** Waits until no alert fires (or `ms` pass): the pager goes quiet before the lab stops. */
  async quiet(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (this.firing > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    return this.firing === 0;
  }

  private receive(alerts: z.infer<typeof WebhookSchema>['alerts']): void {
    for (const a of alerts) {
      const key = a.fingerprint ?? JSON.stringify(a.labels);
      const was = this.status.get(key);
      if (was === a.status || (was === undefined && a.status === 'resolved')) continue;
      this.status.set(key, a.status);
      const startsAt = Date.parse(a.startsAt);
      const endsAt = a.endsAt ? Date.parse(a.endsAt) : NaN;
      this.history.record('alertmanager', `alert.${a.status}`, {
        alertname: a.labels.alertname ?? '(unnamed)',
        stage: Number(a.labels.stage ?? 0),
        phase: a.labels.phase ?? 'outage',
        monitoring: a.labels.monitoring ?? 'typical',
        summary: a.annotations.summary ?? '',
        since: a.annotations.since ?? 'trigger',
        // When Prometheus says it started (or stopped) firing, in run time.
        startsAtMs: Math.round(startsAt - this.history.startedAt),
        ...(a.status === 'resolved' && Number.isFinite(endsAt) ? { endsAtMs: Math.round(endsAt - this.history.startedAt) } : {}),
      });
    }
    this.alertsFiring.set(this.firing);
  }

  private observe(e: HistoryEvent): void {
    switch (e.type) {
      case 'load.second':
      case 'launch.second':
      case 'nlb.second': {
        const load = LOADS[e.type];
        this.requests.inc({ load, outcome: 'ok' }, e.ok);
        for (const [kind, n] of Object.entries(e.errors)) this.requests.inc({ load, outcome: kind }, n);
        break;
      }
      case 'canary':
        this.canary.inc({ outcome: e.outcome });
        break;
      case 'fault.injected':
        this.injections.inc({ type: e.faultType });
        this.faultTypes.set(e.name, e.faultType);
        this.faultsActive.set({ fault: e.name, type: e.faultType }, 1);
        break;
      case 'fault.healed': {
        const type = this.faultTypes.get(e.name);
        if (type) this.faultsActive.set({ fault: e.name, type }, 0);
        break;
      }
      case 'operator.action':
        this.actions.inc({ action: e.action, actor: e.actor === 'human' ? 'human' : 'scripted', ok: String(e.ok) });
        break;
      case 'run.phase':
        this.phase.reset();
        this.phase.set({ phase: e.phase }, 1);
        break;
      case 'run.stop':
        this.phase.reset();
        this.phase.set({ phase: 'stopping' }, 1);
        break;
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
