/** The facilitator starts the game: the scenario's faults begin now, and its time limit counts from here. */
import { z } from 'zod';
import type { GameAct } from './act.ts';

const Settings = z.object({}).strict();

export const startAct: GameAct<typeof Settings> = {
  act: 'start',
  label: 'Start the game',
  description: "inject the scenario's faults now; the time limit counts from here",
  role: 'facilitator',
  settings: Settings,
  confirm: "Start the game? The scenario's faults are injected now.",
  phases: ['ready'],
  async run(ctx, _s, by) {
    const e = ctx.record('game.started', by, {});
    ctx.startGame(by);
    return e;
  },
};
