/**
 * Time to alert per rule (with --monitoring prometheus), beside the lab canary's detection and
 * AWS's time to identify the empty record, at the run's scale and the incident's.
 */
import type { RunSummary } from '../run/journal.ts';
import { INCIDENT } from '../story/incident.ts';
import { mdTable, secs } from './format.ts';

export const ALERTS_HEADER = ['alert', 'kind', 'stage', 'fired after the trigger', "≈ at the incident's scale", 'after what it detects', 'while the record was empty', 'resolved'];

export function alertRows(s: RunSummary): string[][] | null {
  const a = s.alerts;
  if (!a?.monitored) return null;
  const scale = s.story.errorBudget?.minutesPerRunSecond ?? null;
  const inc = (ms: number | null) => (ms === null || scale === null ? '—' : `${Math.round((ms / 1000) * scale)} min`);
  const rows = [...a.alerts]
    .sort((x, y) => (x.firedAtMs ?? Infinity) - (y.firedAtMs ?? Infinity) || x.stage - y.stage)
    .map((x) => [
      x.alertname,
      x.monitoring,
      String(x.stage),
      x.firedAtMs === null ? 'never (silent)' : secs(x.fromTriggerMs),
      inc(x.fromTriggerMs),
      x.afterItHappenedMs === null ? '—' : `${secs(x.afterItHappenedMs)} after ${x.since}`,
      x.firedWhileEmpty ? 'fired' : 'silent',
      x.firings === 0 ? '—' : x.resolved ? `yes (${secs(x.resolvedAtMs)})` : 'NO',
    ]);
  rows.push(['lab canary (the harness, lesson 03)', 'lesson-03', '1', s.dns.detectionMs === null ? '—' : secs(s.dns.detectionMs), inc(s.dns.detectionMs), '', '', '']);
  rows.push(["AWS: the empty record identified", 'people', '1', '—', `${INCIDENT.identifiedMin} min`, '', '', '']);
  return rows;
}

export function alertsMarkdown(s: RunSummary, level = '##'): string[] {
  const rows = alertRows(s);
  if (!rows) return [];
  return [
    `${level} Time to alert (monitoring: Prometheus, blackbox exporter, Alertmanager)`,
    '',
    'Each rule of `monitoring/rules/` from the trigger (the empty record) to when Prometheus started firing it; typical: what most monitoring had, lesson-03: the non-empty assertion.',
    '',
    ...mdTable(ALERTS_HEADER, rows),
    '',
  ];
}
