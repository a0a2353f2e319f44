/**
 * The facilitator re-arms the outage's trigger when it did not happen (the closed-loop trigger
 * gave up, say, on a machine that was not itself): the scenario's trigger faults are injected
 * again with a fresh time to give up, so the session goes on instead of ending "no trigger".
 * Refused (409, with the reason) once the record has gone empty, after an emergency stop, or
 * before the trigger was first injected.
 */
import { z } from 'zod';
import type { GameAct } from './act.ts';

const Settings = z.object({}).strict();

export const rearmTriggerAct: GameAct<typeof Settings> = {
  act: 'rearm-trigger',
  label: 'Re-arm the trigger',
  description: "inject the outage's trigger again when it did not happen (no empty record yet)",
  role: 'facilitator',
  settings: Settings,
  confirm: "Re-arm the outage's trigger? Its faults are healed and injected again.",
  phases: ['running'],
  async run(ctx, _s, by) {
    const faults = await ctx.run.rearmTrigger();
    return ctx.record('game.trigger-rearmed', by, { faults });
  },
};
