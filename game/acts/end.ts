/** The facilitator ends the game now: faults are healed, the lab stops, the debrief is written. */
import { z } from 'zod';
import type { GameAct } from './act.ts';

const Settings = z.object({ reason: z.string().max(500).default('') }).strict();

export const endAct: GameAct<typeof Settings> = {
  act: 'end',
  label: 'End the game',
  description: 'end the game now: every fault healed, the lab stopped, the debrief written',
  role: 'facilitator',
  settings: Settings,
  confirm: 'End the game now? Every fault is healed and the lab stops.',
  phases: ['warming-up', 'ready', 'running'],
  async run(ctx, s, by) {
    const e = ctx.record('game.ended', by, { reason: s.reason });
    ctx.run.stop(`ended by the facilitator (${by})${s.reason ? `: ${s.reason}` : ''}`);
    return e;
  },
};
