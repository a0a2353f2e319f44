/** Small formatting helpers shared by the text reporters. */
export const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${Math.round(v).toLocaleString('en-US')} ms`);
export const secs = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v / 1000).toFixed(1)} s`);
export const pct = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)} %`);
export const num = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(v));

export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export const statusWord = (s: 'pass' | 'fail' | 'skipped'): string => (s === 'pass' ? 'PASS' : s === 'fail' ? 'FAIL' : 'skip');
