/** Small formatting helpers shared by the text reporters. */
import type { ArmFigures } from '../campaigns/gameday/comparison.ts';

export const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${Math.round(v).toLocaleString('en-US')} ms`);
export const secs = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v / 1000).toFixed(1)} s`);
export const pct = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)} %`);
export const num = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(v));

export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export const statusWord = (s: 'pass' | 'fail' | 'skipped'): string => (s === 'pass' ? 'PASS' : s === 'fail' ? 'FAIL' : 'skip');

/** The comparison table: header and, per arm, its cells as plain text (the HTML reporter decorates them). */
export const COMPARISON_HEADER = ['arm', 'must', 'verdict', 'metastable', 'recovered by', 'collapsed before rescue', 'time to recover', 're-establish', '× bound', 'amplification', 'customer error-s', "DWFM's DynamoDB client"] as const;

export function comparisonCells(a: ArmFigures): string[] {
  return [
    a.name,
    a.expect === 'collapse' ? 'reproduce the collapse' : a.expect === 'respond' ? 'played by people' : 'recover by itself',
    a.verdict.toUpperCase(),
    a.metastable ? 'YES' : 'no',
    a.recoveredBy === 'throttle' ? (a.throttleScripted ? 'scripted throttle' : "a person's rescue") : a.recoveredBy === 'self' ? 'itself' : 'never (within the run)',
    secs(a.collapsedBeforeRescueMs),
    ms(a.ttrMs),
    ms(a.reestablishMs),
    num(a.ratioToBound),
    num(a.amplification),
    String(a.customerErrorSeconds),
    a.client?.line ?? '—',
  ];
}
