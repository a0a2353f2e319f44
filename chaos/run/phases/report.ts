/** Phase 8: every reporter writes its files from the summary and the history. */
import type { HistoryEvent } from '../../history/history.ts';
import type { Reporter, RunResult } from '../../reporters/reporter.ts';
import type { RunSummary } from '../journal.ts';

export async function report(reporters: readonly Reporter[], summary: RunSummary, events: readonly HistoryEvent[], name: string): Promise<RunResult> {
  const run: RunResult = { name, summary, events, outDir: summary.outDir, files: [] };
  for (const r of reporters) if (r.onRunFinished) run.files.push(...(await r.onRunFinished(run)));
  return run;
}
