/**
 * The console as a reporter (chaos/reporters/): fed every history event as it happens, like the
 * progress display, it turns each into console messages (view.ts) and streams them to every
 * browser (stream.ts). It never acts on the run: acts come back through the game session.
 */
import type { HistoryEvent } from '../chaos/history/history.ts';
import type { LiveRun, Reporter } from '../chaos/reporters/reporter.ts';
import { ModelConfigSchema } from '../core/model-config.ts';
import { ConsoleStream } from './stream.ts';
import { ConsoleView } from './view.ts';

export class ConsoleReporter implements Reporter {
  readonly name = 'console';
  readonly description = 'the live game-day console: every event streamed to the browsers watching';
  readonly stream = new ConsoleStream();
  private view: ConsoleView | undefined;

  constructor(private readonly opts: { readonly blind: boolean; readonly dnsName: string }) {}

  onRunStart(run: LiveRun): void {
    this.begin(run.name, run.startedAt, run.scenario.settings);
  }

  /** A new run to show (a game-day arm, a replay): the browsers start over. */
  begin(name: string, ts: number, settings: unknown): void {
    this.view = new ConsoleView({ blind: this.opts.blind, model: ModelConfigSchema.parse(settings), dnsName: this.opts.dnsName });
    this.stream.push([{ k: 'reset', ts, name }]);
  }

  onEvent(e: HistoryEvent): void {
    if (this.view) this.stream.push(this.view.push(e));
  }

  /** The debrief, once the game is over (the same markup as report.html's). */
  showDebrief(html: string): void {
    this.stream.push([{ k: 'debrief', ts: Date.now(), html }]);
  }
}
