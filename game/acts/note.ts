/** The scribe's notes, each stamped with its time and who wrote it. */
import { z } from 'zod';
import type { GameAct } from './act.ts';

const Settings = z.object({ text: z.string().trim().min(1, 'write something').max(2000) }).strict();

export const noteAct: GameAct<typeof Settings> = {
  act: 'note',
  label: 'Add note',
  description: "the scribe's note, stamped with its time",
  role: 'scribe',
  settings: Settings,
  phases: ['warming-up', 'ready', 'running'],
  run: async (ctx, s, by) => ctx.record('game.note', by, { text: s.text }),
};
