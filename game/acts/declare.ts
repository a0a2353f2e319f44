/** A responder declares the incident: the end of "time to detect". */
import { z } from 'zod';
import type { GameAct } from './act.ts';

const Settings = z
  .object({
    severity: z.enum(['SEV1', 'SEV2', 'SEV3']).default('SEV1'),
    summary: z.string().max(500).default(''),
  })
  .strict();

export const declareAct: GameAct<typeof Settings> = {
  act: 'declare',
  label: 'Declare incident',
  description: 'declare the incident (ends time to detect)',
  role: 'responder',
  settings: Settings,
  confirm: 'Declare an incident?',
  phases: ['running'],
  run: async (ctx, s, by) => ctx.record('game.declared', by, { severity: s.severity, summary: s.summary }),
};
