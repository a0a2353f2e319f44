/**
 * One played game's state and what people do to it. The phase is read off the run's own history
 * (lab up, steady state verified, faults phase, run stopped), so the session never disagrees with
 * what the report will say. Every request to act goes through `act`: validated against the act's
 * schema (400 naming the field), refused when the game cannot take it now (409 with the reason),
 * otherwise carried out and recorded in the history as done by that person.
 */
import type { EventFields, HistoryEvent } from '../core/events.ts';
import type { LiveControl, RunHandle } from '../chaos/run/context.ts';
import { ConflictError } from '../core/errors.ts';
import { ActRequestError, parseActRequest, type GameActContext, type GamePhase } from './acts/index.ts';

export interface ActResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const WHY_NOT: Record<GamePhase, string> = {
  starting: 'the lab is still starting',
  'warming-up': 'the lab is warming up (its steady state is not verified yet)',
  ready: 'the game has not started yet: the facilitator starts it',
  running: 'the game is already running',
  ended: 'the game has ended',
  over: 'the game has ended',
  aborted: "the game was aborted: the lab's steady state did not hold",
};

export class GameSession {
  private phaseNow: GamePhase = 'starting';
  private handle: RunHandle | undefined;
  private begin: () => void = () => {};
  readonly started: Promise<void>;
  private readonly listeners: ((phase: GamePhase) => void)[] = [];

  constructor(
    private readonly opts: {
      readonly lobbyLimitMs: number;
      /** A console that only watches (a scripted game day): every act is refused. */
      readonly watchOnly?: string;
    },
  ) {
    this.started = new Promise<void>((resolve) => (this.begin = resolve));
  }

  get phase(): GamePhase {
    return this.phaseNow;
  }

  onPhase(fn: (phase: GamePhase) => void): void {
    this.listeners.push(fn);
  }

  /** Marks the game over (its debrief is written). */
  over(): void {
    this.set('over');
  }

  private set(p: GamePhase): void {
    if (this.phaseNow === p) return;
    this.phaseNow = p;
    for (const l of this.listeners) l(p);
  }

  /** What the run pipeline needs: when to start, and where to hand its handle. */
  live(): LiveControl {
    return {
      started: this.started,
      lobbyLimitMs: this.opts.lobbyLimitMs,
      attach: (h) => {
        this.handle = h;
        h.history.onEvent((e) => this.observe(e));
        this.set('warming-up');
      },
    };
  }

  /** The phase follows the run's history. */
  observe(e: HistoryEvent): void {
    if (e.type === 'steady-state.verified') this.set('ready');
    else if (e.type === 'steady-state.failed') this.set('aborted');
    else if (e.type === 'run.phase' && e.phase === 'faults') this.set('running');
    else if (e.type === 'run.stop' && this.phaseNow !== 'aborted') this.set('ended');
  }

  async act(body: unknown): Promise<ActResponse> {
    let req;
    try {
      req = parseActRequest(body);
    } catch (err) {
      if (err instanceof ActRequestError) return { status: 400, body: { error: err.message } };
      throw err;
    }
    const { act, by, settings } = req;
    if (this.opts.watchOnly) return { status: 409, body: { error: `${act.act} cannot be taken: ${this.opts.watchOnly}` } };
    if (!act.phases.includes(this.phaseNow) || !this.handle) {
      return { status: 409, body: { error: `${act.act} cannot be taken now: ${WHY_NOT[this.phaseNow]}`, phase: this.phaseNow } };
    }
    const handle = this.handle;
    const ctx: GameActContext = {
      run: handle,
      startGame: () => {
        this.set('running');
        this.begin();
      },
      record: (type, who, fields) => handle.history.record('game', type, { ...fields, actor: 'human', by: who } as EventFields<typeof type>),
    };
    let e: HistoryEvent;
    try {
      e = await act.run(ctx, settings, by);
    } catch (err) {
      if (err instanceof ConflictError) return { status: 409, body: { error: `${act.act} cannot be taken now: ${err.message}`, phase: this.phaseNow } };
      throw err;
    }
    if (e.type === 'operator.action' && !e.ok) return { status: 502, body: { error: `${act.act} failed: ${e.error}`, event: e } };
    return { status: 200, body: { ok: true, event: e } };
  }
}
