/**
 * The reproduction reproduces: the herd collapsed metastably and did not recover by itself. A
 * scripted rescue (the runbook's throttle) may end the collapse, but only after the collapse was
 * already metastable; every lease coming back before any rescue is a failure of the lab, which
 * would then no longer show what the incident showed.
 */
import { z } from 'zod';
import { fail, pass, type Check } from './check.ts';

export const collapseReproduced: Check = {
  name: 'collapse-reproduced',
  description: 'the herd collapsed metastably and did not recover by itself (only a scripted rescue, if any, ended it)',
  settings: z.object({}).strict(),
  evaluate({ figures }) {
    const r = figures.recoveredBy;
    if (!figures.metastable) return fail(`no metastable collapse: longest collapse ${figures.herd.collapseMs} ms ≤ 5 × M / C = ${5 * figures.capacityBoundMs} ms`);
    if (r === 'self') return fail('every lease came back without any rescue: the system recovered by itself');
    const how = r === 'throttle' ? `recovered only after the scripted throttle, ${figures.collapsedBeforeRescueMs} ms into the collapse` : 'never recovered within the run (no rescue was scripted)';
    return pass(`metastable collapse of ${figures.herd.collapseMs} ms; ${how}`);
  },
};
