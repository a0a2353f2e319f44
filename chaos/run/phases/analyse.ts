/**
 * Phase 7: the analysis. The journal (what happened) and the history (every event) in; a
 * RunSummary — the journal with the analysis's figures, checks and verdict — out. `outage-lab
 * report` calls the same function on a stored run, so a run and its re-analysis agree by
 * construction.
 */
import type { HistoryEvent } from '../../../core/events.ts';
import { analyse } from '../../analysis/index.ts';
import type { Journal, RunSummary } from '../journal.ts';

export function summarise(journal: Journal, events: readonly HistoryEvent[]): RunSummary {
  const analysis = analyse(events, journal.config.checks, journal.config.model);
  return { ...journal, ...analysis, verdict: journal.status === 'completed' ? analysis.verdict : 'fail' };
}
