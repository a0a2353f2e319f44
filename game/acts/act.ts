/**
 * What every act of a played game shares — a facilitator's control, a responder's milestone, a
 * scribe's note, or a runbook action: who takes it (its role), its settings schema, the phases in
 * which it can be taken, the confirmation the console asks for, and what it does. One file per
 * act, registered by name in index.ts; the console draws a button per act and `outage-lab act`
 * takes the same names, so a new act (or a new runbook action) is one new file.
 */
import type { z } from 'zod';
import type { EventFields, EventType, HistoryEvent, HistoryEventOf } from '../../core/events.ts';

export type GameEventType = Extract<EventType, `game.${string}`>;
import type { RunHandle } from '../../chaos/run/context.ts';

/** starting: the lab is coming up; warming-up: steady state not verified yet; ready: waiting for the facilitator; running: the faults are on; ended: the run stopped; over: the debrief is ready; aborted: steady state never held. */
export const GAME_PHASES = ['starting', 'warming-up', 'ready', 'running', 'ended', 'over', 'aborted'] as const;
export type GamePhase = (typeof GAME_PHASES)[number];

export type Role = 'facilitator' | 'responder' | 'scribe';

export interface GameActContext {
  readonly run: RunHandle;
  /** Lets the faults begin (the facilitator's start). */
  startGame(by: string): void;
  /** Records a person's event in the history, marked human with who did it. */
  record<T extends GameEventType>(type: T, by: string, fields: Omit<EventFields<T>, 'actor' | 'by'>): HistoryEventOf<T>;
}

export interface GameAct<S extends z.ZodObject = z.ZodObject> {
  readonly act: string;
  /** The button's text. */
  readonly label: string;
  readonly description: string;
  readonly role: Role;
  readonly settings: S;
  /** What the console asks before doing it (absent: done at once). */
  readonly confirm?: string;
  readonly phases: readonly GamePhase[];
  run(ctx: GameActContext, settings: z.output<S>, by: string): Promise<HistoryEvent>;
}
