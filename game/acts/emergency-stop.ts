/**
 * The facilitator's emergency stop: every fault healed at once and none injected any more,
 * logged with who pressed it. The game goes on, so the team sees what the system does by itself
 * once the faults are gone (an empty record stays empty: healing a fault repairs nothing).
 */
import { z } from 'zod';
import type { GameAct } from './act.ts';

const Settings = z.object({}).strict();

export const emergencyStopAct: GameAct<typeof Settings> = {
  act: 'emergency-stop',
  label: 'Emergency stop',
  description: 'heal every fault at once and inject no more (logged); the game goes on',
  role: 'facilitator',
  settings: Settings,
  confirm: 'Emergency stop: heal every injected fault at once?',
  phases: ['running'],
  async run(ctx, _s, by) {
    const healed = await ctx.run.haltFaults();
    return ctx.record('game.emergency-stop', by, { healed });
  },
};
