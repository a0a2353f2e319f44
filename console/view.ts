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
import type { HistoryEvent } from '../chaos/history.ts';
import { analyseRecovery } from '../chaos/recovery.ts';
import { blastRadius, type BlastRadius } from '../chaos/story/blast-radius.ts';
import { endReason } from '../game/debrief.ts';
import type { ModelConfig } from '../lab/model-config.ts';

export type FeedKind = 'human' | 'system' | 'fault' | 'alert' | 'game' | 'note';

export type ConsoleMessage =
  | { readonly k: 'pt'; readonly ts: number; readonly c: string; readonly s: string; readonly y: number }
  | { readonly k: 'feed'; readonly ts: number; readonly kind: FeedKind; readonly text: string; readonly by?: string }
  | { readonly k: 'mark'; readonly ts: number; readonly kind: 'human' | 'scripted' | 'milestone'; readonly label: string }
  | { readonly k: 'window'; readonly ts: number; readonly id: string; readonly label: string; readonly open: boolean }
  | { readonly k: 'map'; readonly ts: number; readonly svg: string }
  | { readonly k: 'state'; readonly ts: number; readonly phase: string; readonly reason?: string }
  | { readonly k: 'debrief'; readonly ts: number; readonly html: string }
  /** The responders' pager: an alert from the lab's Alertmanager started or stopped firing. */
  | { readonly k: 'page'; readonly ts: number; readonly alertname: string; readonly firing: boolean; readonly summary: string }
  | { readonly k: 'reset'; readonly ts: number; readonly name: string };

export interface ChartDef {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly string[];
}

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

type Samples = Record<string, Record<string, number>>;

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
    const feed = (kind: FeedKind, text: string, by?: string) => out.push({ k: 'feed', ts, kind, text, ...(by ? { by } : {}) });
    const pt = (c: string, s: string, y: number) => out.push({ k: 'pt', ts, c, s, y: Math.round(y * 10) / 10 });
    const mark = (kind: 'human' | 'scripted' | 'milestone', label: string) => out.push({ k: 'mark', ts, kind, label });

    if (e.type !== 'canary' && this.canarySecond !== null && Math.floor(ts / 1000) > this.canarySecond) out.push(...this.flushCanary());
    switch (e.type) {
      case 'canary': {
        const second = Math.floor(ts / 1000);
        if (this.canarySecond !== null && second > this.canarySecond) out.push(...this.flushCanary());
        this.canarySecond = second;
        this.canaryLastTs = ts;
        const key = blind ? (e.outcome === 'ok' || e.outcome === 'empty' ? BLIND_DNS.ok : BLIND_DNS.fail) : String(e.outcome);
        this.canaryCounts[key] = (this.canaryCounts[key] ?? 0) + 1;
        break;
      }
      case 'load.second':
      case 'nlb.second':
      case 'launch.second': {
        const sent = e.sent as number;
        if (sent > 0) {
          const okShare = (e.ok as number) / sent;
          if (e.type === 'launch.second') pt('launches', 'launches', okShare * 100);
          else pt('errors', e.type === 'load.second' ? 'DynamoDB customers' : 'service behind the NLB', (1 - okShare) * 100);
        }
        if (e.type === 'load.second') {
          const byKind: Record<string, number> = Object.fromEntries(consoleCharts(blind, this.o.dnsName)[1]!.series.map((s) => [s, 0]));
          for (const [raw, n] of Object.entries((e.errors as Record<string, number> | undefined) ?? {})) byKind[errorKind(raw, blind)] = (byKind[errorKind(raw, blind)] ?? 0) + n;
          for (const [kind, n] of Object.entries(byKind)) pt('ddb-errors', kind, n);
        }
        break;
      }
      case 'metrics': {
        const m = e.services as Samples | undefined;
        if (m?.dwfm?.dwfm_leases_valid !== undefined) pt('leases', 'valid', m.dwfm.dwfm_leases_valid);
        if (m?.netmgr?.netmgr_backlog !== undefined) pt('backlog', 'backlog', m.netmgr.netmgr_backlog);
        if (m?.nlb?.nlb_targets_in_service !== undefined) pt('nlb', 'in service', m.nlb.nlb_targets_in_service);
        break;
      }
      case 'run.phase':
        out.push({ k: 'state', ts, phase: e.phase === 'faults' ? 'running' : e.phase === 'warmup' ? 'warming-up' : String(e.phase) });
        break;
      case 'steady-state.verified':
        out.push({ k: 'state', ts, phase: 'ready' });
        feed('game', 'steady state verified: the lab is ready');
        break;
      case 'steady-state.failed':
        out.push({ k: 'state', ts, phase: 'aborted', reason: String(e.detail) });
        feed('game', `steady state did not hold: ${e.detail}`);
        break;
      case 'run.stop':
        out.push({ k: 'state', ts, phase: 'ended', reason: endReason(String(e.reason)) });
        feed('game', `game over: ${endReason(String(e.reason))}`);
        break;
      case 'game.started':
        feed('game', `${e.by} started the game`, String(e.by));
        mark('human', `start (${e.by})`);
        break;
      case 'game.ended':
        feed('game', `${e.by} ended the game${e.reason ? `: ${e.reason}` : ''}`, String(e.by));
        break;
      case 'game.emergency-stop':
        feed('human', `${e.by}: EMERGENCY STOP${blind ? '' : ` (healed ${(e.healed as string[]).join(', ') || 'nothing'})`}`, String(e.by));
        mark('human', `emergency stop (${e.by})`);
        break;
      case 'game.declared':
        feed('human', `${e.by} declared the incident (${e.severity})${e.summary ? `: ${e.summary}` : ''}`, String(e.by));
        mark('human', `declared (${e.by})`);
        break;
      case 'game.cause-named':
        feed('human', `${e.by} named the cause: ${e.label}`, String(e.by));
        mark('human', `cause named (${e.by})`);
        break;
      case 'game.note':
        feed('note', String(e.text), String(e.by));
        break;
      case 'operator.action': {
        const who = e.actor === 'human' ? String(e.by) : 'scripted runbook';
        const result = e.ok ? resultText(e) : `FAILED: ${e.error}`;
        feed(e.actor === 'human' ? 'human' : 'system', `${who}: ${e.action} — ${result}`, e.actor === 'human' ? String(e.by) : undefined);
        mark(e.actor === 'human' ? 'human' : 'scripted', `${e.action} (${who})`);
        break;
      }
      case 'fault.injected':
        if (!blind) {
          feed('fault', `fault ${e.name} injected: ${e.faultType}${e.link ? ` on ${e.link}` : ''}${e.latencyMs ? ` (${e.latencyMs} ms)` : ''}`);
          out.push({ k: 'window', ts, id: String(e.name), label: `fault ${e.name}`, open: true });
        }
        break;
      case 'fault.healed':
        if (!blind) {
          feed('fault', `fault ${e.name} healed`);
          out.push({ k: 'window', ts, id: String(e.name), label: `fault ${e.name}`, open: false });
        }
        break;
      case 'fault.trigger.gave-up': {
        const after = `${Math.round(Number(e.afterMs) / 1000)} s`;
        feed('game', blind ? `NO TRIGGER: the outage did not start within ${after}. Facilitator: re-arm the trigger, or end the game.` : `NO TRIGGER: the closed-loop trigger gave up after ${after} (${e.reason}). Facilitator: re-arm the trigger, or end the game.`);
        break;
      }
      case 'fault.trigger.done':
        if (!blind) feed('fault', `trigger: ${e.enactor}'s stale apply let through once its plan was deleted (${e.holds} hold${e.holds === 1 ? '' : 's'})`);
        break;
      case 'game.trigger-rearmed':
        feed('game', `${e.by} re-armed the trigger`, String(e.by));
        mark('human', `trigger re-armed (${e.by})`);
        break;
      case 'route53.record.empty':
        if (!blind && e.regional === true) {
          feed('system', `Route 53 committed an EMPTY regional record (${e.enactor}, plan ${e.generation ?? e.deletedPlan})`);
          mark('milestone', 'dns.empty');
        }
        break;
      case 'route53.record.restored':
        if (!blind && e.regional === true) feed('system', 'the regional record has addresses again');
        break;
      case 'canary.alert':
        if (!blind) feed('alert', `lab canary (lesson 03) ALERT: ${e.outcome} answer for ${e.name}`);
        break;
      case 'canary.recovered':
        if (!blind) feed('alert', 'lab canary recovered: answers have addresses again');
        break;
      case 'alert.firing':
      case 'alert.resolved':
        // Blind: the pager of the day had no lesson-03 rule.
        if (blind && e.monitoring === 'lesson-03') break;
        feed('alert', `${e.type === 'alert.firing' ? 'PAGE' : 'resolved'}: ${e.alertname}${e.summary ? ` — ${e.summary}` : ''}`);
        out.push({ k: 'page', ts, alertname: String(e.alertname), firing: e.type === 'alert.firing', summary: String(e.summary ?? '') });
        break;
      case 'dwfm.leases.lapsing':
        if (!blind) feed('system', 'DWFM leases lapsing: RunInstances answers "insufficient capacity"');
        break;
      case 'dwfm.leases.all-valid':
        feed('system', 'DWFM: every lease valid again');
        break;
      case 'dwfm.throttle':
        feed('system', `DWFM throttled: ${e.maxConcurrency ? `${e.maxConcurrency} batches in flight` : ''}${e.maxPerSec ? ` ${e.maxPerSec} leases/s` : ''}`);
        break;
      case 'dwfm.restarted':
        feed('system', 'DWFM restarted');
        break;
      case 'netmgr.backlog.building':
        feed('system', 'network backlog building');
        break;
      case 'netmgr.backlog.drained':
        feed('system', 'network backlog drained');
        break;
      case 'nlb.target.removed':
        feed('system', `NLB removed target ${e.target} (${e.inService} in service)`);
        break;
      case 'nlb.health-checks':
        feed('system', `NLB health checks: automatic failover ${e.automaticFailover ? 'on' : 'off'}${e.readded ? `, ${e.readded} targets back in service` : ''}`);
        break;
      case 'route53.automation':
        feed('system', `DNS automation ${e.enabled ? 'enabled' : 'disabled'}`);
        break;
    }
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
const IMPAIRING = new Set([
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

function resultText(e: HistoryEvent): string {
  switch (e.action) {
    case 'restore-dns':
      return `restored ${e.restored} records to ${(e.addresses as string[] | undefined)?.join(', ')}; automation ${e.automationDisabled ? 'disabled' : 'on'}`;
    case 'throttle-dwfm':
      return `throttled${e.maxConcurrency ? ` to ${e.maxConcurrency} batches in flight` : ''}${e.maxPerSec ? ` to ${e.maxPerSec} leases/s` : ''}${e.restarted ? ', DWFM restarted' : ''}`;
    case 'restart':
      return `${e.component} restarted in ${e.restartMs} ms`;
    case 'disable-dns-automation':
      return 'DNS automation disabled';
    case 'nlb-health-checks':
      return `automatic failover ${e.automaticFailover ? 'on' : 'off'}, ${e.readded} targets back in service`;
    default:
      return 'done';
  }
}
