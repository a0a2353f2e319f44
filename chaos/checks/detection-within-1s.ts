/** The canary noticed the empty record quickly (time to detect). */
import { z } from 'zod';
import { fail, pass, skipped, type Check } from './check.ts';

const Settings = z.object({ maxMs: z.number().int().positive().default(1000) }).strict();

export const detectionWithin1s: Check<typeof Settings> = {
  name: 'detection-within-1s',
  description: 'the canary reported the empty record within maxMs (default 1000) of Route 53 committing it',
  settings: Settings,
  evaluate({ figures }, s) {
    const d = figures.dns;
    if (!d.emptyRecordPublished) return skipped('no empty record to detect');
    if (d.detectionMs === null) return fail('the canary never reported the empty record');
    return d.detectionMs <= s.maxMs
      ? pass(`detected ${d.detectionMs} ms after route53 committed the empty record`)
      : fail(`detected after ${d.detectionMs} ms (> ${s.maxMs})`);
  },
};
