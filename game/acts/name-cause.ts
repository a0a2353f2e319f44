/** A responder names the cause: the debrief marks it right or wrong from the history (the first right one ends "time to identify"). */
import { z } from 'zod';
import { CAUSE_IDS, causeChoice } from '../causes.ts';
import type { GameAct } from './act.ts';

const Settings = z.object({ cause: z.enum(CAUSE_IDS, { error: `choose one of the causes: ${CAUSE_IDS.join(', ')}` }) }).strict();

export const nameCauseAct: GameAct<typeof Settings> = {
  act: 'name-cause',
  label: 'Name the cause',
  description: 'say what broke (the debrief marks it right or wrong; the first right one ends time to identify)',
  role: 'responder',
  settings: Settings,
  confirm: 'Name this as the cause?',
  phases: ['running'],
  run: async (ctx, s, by) => ctx.record('game.cause-named', by, { cause: s.cause, label: causeChoice(s.cause)!.label }),
};
