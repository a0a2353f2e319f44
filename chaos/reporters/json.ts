/** summary.json per run, comparison.json per game day (schema: chaos/gameday/comparison.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from './reporter.ts';

export const jsonReporter: Reporter = {
  name: 'json',
  description: 'summary.json per arm and comparison.json across arms',
  onRunFinished(run) {
    const f = join(run.outDir, 'summary.json');
    writeFileSync(f, `${JSON.stringify(run.summary, null, 2)}\n`);
    return [f];
  },
  onGamedayFinished(g) {
    const f = join(g.outDir, 'comparison.json');
    writeFileSync(f, `${JSON.stringify({ ...g.comparison, gate: undefined }, null, 2)}\n`);
    const out = [f];
    if (g.gate) {
      const gf = join(g.outDir, 'gate.json');
      writeFileSync(gf, `${JSON.stringify(g.gate, null, 2)}\n`);
      out.push(gf);
    }
    return out;
  },
};
