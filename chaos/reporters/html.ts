/** report.html: the game day (or one run) as one self-contained page with charts. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html/page.ts';
import type { Reporter } from './reporter.ts';

export const htmlReporter: Reporter = {
  name: 'html',
  description: 'report.html: one self-contained page (uPlot inlined) with charts, blast-radius maps and every arm',
  onGamedayFinished(g) {
    const f = join(g.outDir, 'report.html');
    writeFileSync(f, renderHtml(g));
    return [f];
  },
};
