/**
 * Live progress while runs go. On a terminal: a status block redrawn in place (log-update) with
 * the arm, phase, elapsed / expected time, canary state, customer error rate, valid leases,
 * network backlog and NLB healthy targets; log lines print above it. Without a terminal (CI): the
 * same status as one plain line every few seconds.
 */
import { createLogUpdate } from 'log-update';
import type { HistoryEvent } from '../history/history.ts';
import type { LiveRun, Reporter } from './reporter.ts';

type Samples = Record<string, Record<string, number>>;

interface State {
  run?: LiveRun;
  phase: string;
  canary: string;
  alerting: boolean;
  errorRate: number | null;
  valid: number | null;
  droplets: number | null;
  backlog: number | null;
  nlb: number | null;
  nlbTargets: number | null;
}

const fresh = (): State => ({ phase: 'starting', canary: '—', alerting: false, errorRate: null, valid: null, droplets: null, backlog: null, nlb: null, nlbTargets: null });

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Force the plain-line mode (no TTY) or the redraw mode; default: from the stream. */
  readonly tty?: boolean;
  /** Plain mode: a line this often. */
  readonly lineEveryMs?: number;
  /** Set by the game day: "arm 2/4". */
  readonly position?: () => string;
}

export class ProgressReporter implements Reporter {
  readonly name = 'progress';
  readonly description = 'live status: redrawn in place on a terminal, a plain line every 5 s otherwise';
  private state = fresh();
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly update: ReturnType<typeof createLogUpdate> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? this.stream.isTTY === true;
    // A terminal that reports no size (0 × 0, e.g. a pty made by `script` without a parent
    // terminal) would make log-update draw nothing: give it a usable size instead.
    const stream = this.stream;
    const sized = { isTTY: true, write: (s: string) => stream.write(s), get columns() { return stream.columns || 100; }, get rows() { return stream.rows || 40; } };
    this.update = this.tty ? createLogUpdate(sized as unknown as NodeJS.WriteStream, { showCursor: true }) : undefined;
  }

  /** A line that stays (above the live block on a terminal). */
  log = (line: string): void => {
    if (this.update) this.update.persist(line);
    else this.stream.write(`${line}\n`);
  };

  onRunStart(run: LiveRun): void {
    this.state = { ...fresh(), run, nlbTargets: run.scenario.settings.nlb?.targets ?? 24 };
    clearInterval(this.timer);
    this.timer = setInterval(() => this.render(), this.tty ? 250 : (this.opts.lineEveryMs ?? 5000));
    this.timer.unref();
    this.render();
  }

  onEvent(e: HistoryEvent): void {
    const s = this.state;
    switch (e.type) {
      case 'run.phase':
        s.phase = e.phase;
        break;
      case 'run.stop':
        s.phase = `stopping (${e.reason})`;
        break;
      case 'canary':
        s.canary = e.outcome;
        break;
      case 'canary.alert':
        s.alerting = true;
        break;
      case 'canary.recovered':
        s.alerting = false;
        break;
      case 'load.second':
        if (e.sent > 0) s.errorRate = 1 - e.ok / e.sent;
        break;
      case 'metrics': {
        const m = e.services;
        s.valid = m.dwfm?.dwfm_leases_valid ?? s.valid;
        s.droplets = m.dwfm?.dwfm_droplets ?? s.droplets;
        s.backlog = m.netmgr?.netmgr_backlog ?? s.backlog;
        s.nlb = m.nlb?.nlb_targets_in_service ?? s.nlb;
        break;
      }
    }
  }

  onRunFinished(): string[] {
    clearInterval(this.timer);
    this.timer = undefined;
    this.update?.clear();
    return [];
  }

  /** The current status as text (one line in plain mode, a block on a terminal). */
  status(): string {
    const s = this.state;
    if (!s.run) return '';
    const el = (Date.now() - s.run.startedAt) / 1000;
    const pos = this.opts.position?.() ?? '';
    const head = `${pos ? `${pos} ` : ''}${s.run.name}: ${s.phase}, ${el.toFixed(0)} s / ~${Math.round(s.run.expectedMs / 1000)} s`;
    const canary = `canary ${s.alerting ? `ALERT (${s.canary})` : s.canary}`;
    const err = `customer errors ${s.errorRate === null ? '—' : `${(s.errorRate * 100).toFixed(0)} %`}`;
    const leases = `valid leases ${s.valid === null ? '—' : `${s.valid.toLocaleString('en-US')}${s.droplets ? `/${s.droplets.toLocaleString('en-US')}` : ''}`}`;
    const backlog = `network backlog ${s.backlog === null ? '—' : s.backlog.toLocaleString('en-US')}`;
    const nlb = `NLB healthy ${s.nlb === null ? '—' : `${s.nlb}/${s.nlbTargets}`}`;
    if (!this.tty) return `[progress] ${head} · ${canary} · ${err} · ${leases} · ${backlog} · ${nlb}`;
    const barWidth = 30;
    const done = Math.min(barWidth, Math.round((el / Math.max(1, s.run.expectedMs / 1000)) * barWidth));
    return [`${head}  [${'#'.repeat(done)}${'.'.repeat(barWidth - done)}]`, `  ${canary} · ${err}`, `  ${leases} · ${backlog} · ${nlb}`].join('\n');
  }

  private render(): void {
    const text = this.status();
    if (!text) return;
    if (this.update) this.update(text);
    else this.stream.write(`${text}\n`);
  }

  close(): void {
    clearInterval(this.timer);
    this.update?.clear();
    this.update?.done();
  }
}
