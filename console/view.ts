/**
 * What the console shows, computed from the run's history one event at a time (data flows one
 * way: history → view → browsers). Each history event becomes zero or more console messages:
 * chart points, feed lines, marks on the charts, fault windows, the game's phase, and every few
 * seconds of history the topology map (the report's blast-radius code on the history so far).
 *
 * `blind` is what typical monitoring of the day showed: resolution *errors* and API errors. An
 * empty answer is NOERROR to a DNS check and "could not resolve" to a client, the fault schedule
 * and the lab's own lesson-03 canary are not shown, and the map colours only what a dashboard
 * would (API errors, failing launches, the backlog, the NLB) without saying why. Blind messages
 * are made here, on the server: what is hidden never reaches a browser.
 */
import { blastMapSvg } from '../chaos/reporters/html/blast-map.ts';
import type { EventType, HistoryEvent } from '../core/events.ts';
import { handle } from './handlers.ts';
import { analyseRecovery } from '../chaos/analysis/recovery.ts';
import { blastRadius, type BlastRadius } from '../chaos/story/blast-radius.ts';
import type { ModelConfig } from '../core/model-config.ts';


export type { ChartDef, ConsoleMessage, FeedKind } from './messages.ts';
import type { ChartDef, ConsoleMessage } from './messages.ts';

/** DynamoDB clients' error kinds as the console names them; blind folds every DNS kind into one. */
const ERROR_KINDS: Record<string, [string, string]> = {
  'dns-empty': ['empty DNS answer', 'name resolution failed'],
  'dns-nxdomain': ['no such name', 'name resolution failed'],
  'dns-error': ['DNS error', 'name resolution failed'],
  timeout: ['timeout', 'timeout'],
  connect: ['connection failed', 'connection failed'],
  throttled: ['throttled', 'throttled'],
  dropped: ['throttled', 'throttled'],
  'server-error': ['server error', 'server error'],
};
const errorKind = (raw: string, blind: boolean) => (ERROR_KINDS[raw] ?? ['server error', 'server error'])[blind ? 1 : 0];

const DNS_CLASSES = ['ok', 'empty', 'nxdomain', 'servfail', 'timeout', 'refused', 'error'];
const BLIND_DNS = { ok: 'NOERROR', fail: 'failed (SERVFAIL, NXDOMAIN, timeout, refused)' };

export function consoleCharts(blind: boolean, dnsName: string): ChartDef[] {
  const kinds = [...new Set(Object.values(ERROR_KINDS).map((k) => k[blind ? 1 : 0]))];
  return [
    { id: 'errors', title: 'Customer error rate', unit: '% failed', series: ['DynamoDB customers', 'service behind the NLB'] },
    { id: 'ddb-errors', title: 'DynamoDB API errors (clients)', unit: 'errors/s', series: kinds },
    { id: 'dns', title: blind ? `DNS health check of ${dnsName} (query status)` : `DNS answers for ${dnsName}, by class`, unit: 'answers/s', series: blind ? [BLIND_DNS.ok, BLIND_DNS.fail] : DNS_CLASSES },
    { id: 'leases', title: 'Valid DWFM leases', unit: 'leases', series: ['valid'] },
    { id: 'launches', title: 'RunInstances success', unit: '% ok', series: ['launches'] },
    { id: 'backlog', title: 'Network Manager backlog', unit: 'changes', series: ['backlog'] },
    { id: 'nlb', title: 'NLB healthy targets', unit: 'targets', series: ['in service'] },
  ];
}

/** What typical monitoring shows of each component (blind map): a symptom, never a cause. */
const MONITORED: Record<string, string> = {
  dynamodb: 'API errors',
  dwfm: 'RunInstances failing ("insufficient capacity")',
  netmgr: 'propagation backlog',
  nlb: 'healthy targets dropping',
};

export function blindBlastRadius(b: BlastRadius): BlastRadius {
  return {
    nodes: b.nodes,
    impaired: b.impaired.filter((i) => MONITORED[i.component]).map((i) => ({ ...i, origin: 'emergent' as const, what: MONITORED[i.component]!, causes: [] })),
  };
}

export interface ConsoleViewOptions {
  readonly blind: boolean;
  readonly model: ModelConfig;
  readonly dnsName: string;
  /** History ms between two topology maps. */
  readonly mapEveryMs?: number;
}

export class ConsoleView {
  private readonly events: HistoryEvent[] = [];
  private canarySecond: number | null = null;
  private canaryCounts: Record<string, number> = {};
  private canaryLastTs = 0;
  private nextMapAt = 0;
  private lastMap = '';
  private mapDirty = true;

  constructor(private readonly o: ConsoleViewOptions) {}

  get blind(): boolean {
    return this.o.blind;
  }

  /** The messages one history event makes (in the order the history recorded them). */
  push(e: HistoryEvent): ConsoleMessage[] {
    this.events.push(e);
    const out: ConsoleMessage[] = [];
    const ts = e.ts;
    const blind = this.o.blind;
    if (e.type !== 'canary' && this.canarySecond !== null && Math.floor(ts / 1000) > this.canarySecond) out.push(...this.flushCanary());
    const pt = (c: string, s: string, y: number) => out.push({ k: 'pt', ts, c, s, y: Math.round(y * 10) / 10 });
    handle(e, {
      blind,
      feed: (kind, text, by) => out.push({ k: 'feed', ts, kind, text, ...(by ? { by } : {}) }),
      pt,
      mark: (kind, label) => out.push({ k: 'mark', ts, kind, label }),
      window: (id, label, open) => out.push({ k: 'window', ts, id, label, open }),
      state: (phase, reason) => out.push({ k: 'state', ts, phase, ...(reason === undefined ? {} : { reason }) }),
      page: (alertname, firing, summary) => out.push({ k: 'page', ts, alertname, firing, summary }),
      canary: (outcome) => {
        const second = Math.floor(ts / 1000);
        if (this.canarySecond !== null && second > this.canarySecond) out.push(...this.flushCanary());
        this.canarySecond = second;
        this.canaryLastTs = ts;
        const key = blind ? (outcome === 'ok' || outcome === 'empty' ? BLIND_DNS.ok : BLIND_DNS.fail) : outcome;
        this.canaryCounts[key] = (this.canaryCounts[key] ?? 0) + 1;
      },
      clientErrors: (errors) => {
        const byKind: Record<string, number> = Object.fromEntries(consoleCharts(blind, this.o.dnsName)[1]!.series.map((s) => [s, 0]));
        for (const [raw, n] of Object.entries(errors)) byKind[errorKind(raw, blind)] = (byKind[errorKind(raw, blind)] ?? 0) + n;
        for (const [kind, n] of Object.entries(byKind)) pt('ddb-errors', kind, n);
      },
    });
    if (IMPAIRING.has(e.type)) this.mapDirty = true;
    if (ts >= this.nextMapAt && this.mapDirty) {
      this.nextMapAt = ts + (this.o.mapEveryMs ?? 2000);
      const m = this.map(ts);
      if (m) out.push(m);
    }
    return out;
  }

  /** The canary's answers of the last second as points. */
  private flushCanary(): ConsoleMessage[] {
    const series = consoleCharts(this.o.blind, this.o.dnsName)[2]!.series;
    const out: ConsoleMessage[] = series.map((s) => ({ k: 'pt' as const, ts: this.canaryLastTs, c: 'dns', s, y: this.canaryCounts[s] ?? 0 }));
    this.canaryCounts = {};
    this.canarySecond = null;
    return out;
  }

  /** The topology coloured by the blast radius of the history so far (blind: symptoms only). */
  private map(ts: number): ConsoleMessage | undefined {
    this.mapDirty = false;
    const sorted = [...this.events].sort((a, b) => a.t - b.t);
    const b = blastRadius(sorted, analyseRecovery(sorted, this.o.model), this.o.model.nlb.targets);
    const svg = this.o.blind
      ? blastMapSvg(blindBlastRadius(b), 'what the monitoring shows', b.nodes.map((n) => n.name).filter((n) => !MONITORED[n]))
      : blastMapSvg(b, 'what is failing, and because of what');
    if (svg === this.lastMap) return undefined;
    this.lastMap = svg;
    return { k: 'map', ts, svg };
  }
}

/** Events that can change the blast radius (the map is redrawn only after one of them). */
const IMPAIRING = new Set<EventType>([
  'fault.injected',
  'fault.healed',
  'route53.record.empty',
  'route53.record.restored',
  'enactor.apply.failed',
  'canary',
  'load.second',
  'dwfm.leases.lapsing',
  'dwfm.leases.all-valid',
  'netmgr.backlog.building',
  'netmgr.backlog.drained',
  'nlb.target.removed',
  'nlb.target.readded',
  'metrics',
]);
